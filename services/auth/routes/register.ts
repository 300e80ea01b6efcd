import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { passwordProblems } from '../domain/password-policy.js';
import { authRouteErrors } from '../errors.js';
import type { AuthDeps } from '../session.js';
import { insertUser, type AuthUser } from '../users.js';
import { queueAll, type OutboxMessage } from '../../platform/events/index.js';
import { inTransaction } from '../../platform/transaction.js';

export const credentialsBody = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    // The policy's byte cap (1 KiB) answers with reasons; this bound only stops huge bodies.
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type Credentials = Static<typeof credentialsBody>;

/** How long registration waits for user to create the profile at once (the event follows). */
export const EAGER_PROFILE_TIMEOUT_MS = 2_000;

/** The UserRegistered event (payload version 1): what user needs to create the profile. */
export function userRegistered(user: AuthUser): OutboxMessage {
  return {
    topic: 'UserRegistered',
    key: user.id,
    payload: {
      version: 1,
      userId: user.id,
      email: user.email,
      roles: user.roles,
      occurredAt: user.createdAt.toISOString(),
    },
  };
}

/**
 * `POST /api/v1/auth/register`. The identity and its UserRegistered event commit together
 * (outbox), so the user service gets the profile even when it is down right now: it
 * consumes the event when it is back. After the commit, auth also asks user to create the
 * profile at once, so that in the usual case it exists when the client gets 201; that call
 * is best effort, and the event makes it certain (both create the profile idempotently).
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
      const user = await inTransaction(app.pg, async (tx) => {
        const created = await insertUser(tx, email, hash).catch((err: unknown) => {
          if ((err as { code?: string }).code === '23505') {
            throw new authRouteErrors.ALP_AUTH_EMAIL_TAKEN();
          }
          throw err;
        });
        queueAll(tx, [userRegistered(created)]);
        return created;
      });
      app.events.nudge();
      await app.services
        .call('user', {
          method: 'POST',
          path: '/internal/users',
          body: { id: user.id, email: user.email, roles: user.roles },
          // A hung user service must not hold the registration: the event covers it.
          timeoutMs: EAGER_PROFILE_TIMEOUT_MS,
          context: request,
        })
        .catch((err: unknown) => {
          request.log.warn(
            { err, userId: user.id },
            'profile not created at once; the user service will create it from UserRegistered',
          );
        });
      reply.code(201);
      return {
        id: user.id,
        email: user.email,
        roles: user.roles,
        createdAt: user.createdAt.toISOString(),
      };
    },
  );
};
