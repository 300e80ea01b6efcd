import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { revokeRefreshFamily, rotateRefreshToken } from '../domain/refresh-token-store.js';
import { refreshTokenSql } from '../domain/refresh-token-sql.js';
import { authRouteErrors } from '../errors.js';
import { sessionTokens, type AuthDeps } from '../session.js';
import { findById } from '../users.js';

const body = Type.Object(
  {
    // Ours are 43 characters; the bound only stops huge bodies (anything else is a plain 401).
    refreshToken: Type.String({ minLength: 1, maxLength: 8192 }),
  },
  { additionalProperties: false },
);
type Body = Static<typeof body>;

/**
 * `POST /api/v1/auth/refresh` rotates the refresh token and issues a new access token with the
 * user's current roles. Presenting a token that was already rotated revokes its whole family
 * (both holders are logged out) and answers 401 like any other invalid token.
 * `POST /api/v1/auth/logout` revokes the presented token's family; 204 whether or not it was
 * known, so logout cannot be used to test tokens.
 */
export const refreshRoutes: FastifyPluginAsync<{ deps: AuthDeps }> = async (app, { deps }) => {
  const refreshes = app.metrics.counter(
    'alphintra_auth_refresh_total',
    'Refresh-token uses by outcome (reuse = a family revoked)',
    ['outcome'],
  );
  app.post<{ Body: Body }>('/api/v1/auth/refresh', { schema: { body } }, async (request) => {
    const result = await rotateRefreshToken(app.pg, request.body.refreshToken);
    refreshes.inc({ outcome: result.kind === 'reuse-detected' ? 'reuse' : result.kind });
    if (result.kind === 'reuse-detected') {
      request.log.warn(
        { userId: result.userId, familyId: result.familyId },
        'refresh token reuse: family revoked',
      );
      throw new authRouteErrors.ALP_AUTH_REFRESH_TOKEN_INVALID();
    }
    if (result.kind === 'rejected') {
      request.log.info({ reason: result.reason }, 'refresh refused');
      throw new authRouteErrors.ALP_AUTH_REFRESH_TOKEN_INVALID();
    }
    const user = await findById(app.pg, result.userId);
    if (!user || user.disabled) {
      await app.pg.query(refreshTokenSql.revokeFamily, [result.familyId]);
      throw new authRouteErrors.ALP_AUTH_REFRESH_TOKEN_INVALID();
    }
    return sessionTokens(deps, user, result);
  });

  app.post<{ Body: Body }>('/api/v1/auth/logout', { schema: { body } }, async (request, reply) => {
    const revoked = await revokeRefreshFamily(app.pg, request.body.refreshToken);
    request.log.info({ revoked }, 'logout');
    return reply.code(204).send();
  });
};
