import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { passwordProblems } from '../domain/password-policy.js';
import { authRouteErrors } from '../errors.js';
import type { AuthDeps } from '../session.js';
import { insertUser } from '../users.js';

export const credentialsBody = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    // The policy's byte cap (1 KiB) answers with reasons; this bound only stops huge bodies.
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type Credentials = Static<typeof credentialsBody>;

/**
 * `POST /api/v1/auth/register`. The user's profile is created in the user service inside the
 * same database transaction that inserts the identity: if the user service is unreachable or
 * refuses, the transaction rolls back and the client gets 503 ALP_AUTH_REGISTRATION_UNAVAILABLE
 * with no identity left behind (no outbox yet: the event pipeline lands with the trading issue).
 * The opposite leftover (a profile whose identity rolled back because the commit failed after
 * the call) is harmless: nobody can log in as it, and the user service replaces a profile with
 * the same email when auth registers that email again.
 */
export const registerRoute: FastifyPluginAsync<{ deps: AuthDeps }> = async (app, { deps }) => {
  app.post<{ Body: Credentials }>(
    '/api/v1/auth/register',
    { schema: { body: credentialsBody } },
    async (request, reply) => {
      const email = request.body.email.trim();
      const problems = passwordProblems(request.body.password, email);
      if (problems.length > 0) {
        throw withExtras(new authRouteErrors.ALP_AUTH_PASSWORD_WEAK(), { reasons: problems });
      }
      const hash = await deps.hasher.hash(request.body.password);
      const client = await app.pg.connect();
      try {
        await client.query('BEGIN');
        const user = await insertUser(client, email, hash).catch((err: unknown) => {
          if ((err as { code?: string }).code === '23505') {
            throw new authRouteErrors.ALP_AUTH_EMAIL_TAKEN();
          }
          throw err;
        });
        await app.services
          .call('user', {
            method: 'POST',
            path: '/internal/users',
            body: { id: user.id, email: user.email, roles: user.roles },
            context: request,
          })
          .catch((err: unknown) => {
            request.log.warn({ err }, 'profile creation failed; registration rolled back');
            throw new authRouteErrors.ALP_AUTH_REGISTRATION_UNAVAILABLE();
          });
        await client.query('COMMIT');
        reply.code(201);
        return {
          id: user.id,
          email: user.email,
          roles: user.roles,
          createdAt: user.createdAt.toISOString(),
        };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  );
};
