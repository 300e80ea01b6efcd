import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { loginAttemptsSql, summaryFromRow } from '../domain/login-attempts-sql.js';
import { accountKey, decideLoginAttempt } from '../domain/login-throttle.js';
import { issueRefreshFamily } from '../domain/refresh-token-store.js';
import { authRouteErrors } from '../errors.js';
import { sessionTokens, type AuthDeps } from '../session.js';
import { findByEmail, updatePasswordHash } from '../users.js';
import { credentialsBody, type Credentials } from './register.js';

/**
 * `POST /api/v1/auth/login`. The throttle is decided before the password is checked; an
 * unknown email costs the same argon2id work as a known one (dummy hash) and gets the same
 * answer, and every failure is recorded, so neither timing nor throttling reveals accounts.
 */
export const loginRoute: FastifyPluginAsync<{ deps: AuthDeps }> = async (app, { deps }) => {
  const logins = app.metrics.counter('alphintra_auth_logins_total', 'Login attempts by outcome', [
    'outcome',
  ]);
  app.post<{ Body: Credentials }>(
    '/api/v1/auth/login',
    { schema: { body: credentialsBody } },
    async (request) => {
      const key = accountKey(request.body.email);
      const ip = request.ip;
      const now = Date.now();
      const { rows } = await app.pg.query(loginAttemptsSql.summary, [
        key,
        ip,
        new Date(now - deps.throttle.windowMs),
      ]);
      const decision = decideLoginAttempt(summaryFromRow(rows[0]), now, deps.throttle);
      if (!decision.allowed) {
        const retryAfterSec = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        request.log.info({ scope: decision.scope, retryAfterSec }, 'login throttled');
        logins.inc({ outcome: 'throttled' });
        throw Object.assign(
          withExtras(new authRouteErrors.ALP_AUTH_LOGIN_THROTTLED(), { retryAfterSec }),
          { headers: { 'retry-after': String(retryAfterSec) } },
        );
      }

      const user = await findByEmail(app.pg, request.body.email.trim());
      const matches = await deps.hasher.verify(request.body.password, user?.passwordHash);
      const ok = matches && user !== undefined && !user.disabled;
      await app.pg.query(loginAttemptsSql.record, [key, ip, ok]);
      logins.inc({ outcome: ok ? 'success' : 'invalid' });
      if (!ok || !user) throw new authRouteErrors.ALP_AUTH_INVALID_CREDENTIALS();

      if (deps.hasher.needsRehash(user.passwordHash)) {
        const hash = await deps.hasher.hash(request.body.password);
        await updatePasswordHash(app.pg, user.id, hash);
      }
      const refresh = await issueRefreshFamily(app.pg, user.id);
      return sessionTokens(deps, user, refresh);
    },
  );
};
