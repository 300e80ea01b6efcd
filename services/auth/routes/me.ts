import type { FastifyPluginAsync } from 'fastify';
import { authRouteErrors } from '../errors.js';
import { findById } from '../users.js';

/** `GET /api/v1/auth/me`: the identity behind the access token (roles as stored now). */
export const meRoute: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/auth/me', { preValidation: app.authenticate }, async (request) => {
    const user = await findById(app.pg, request.user!.id);
    if (!user) throw new authRouteErrors.ALP_AUTH_USER_NOT_FOUND();
    return {
      id: user.id,
      email: user.email,
      roles: user.roles,
      createdAt: user.createdAt.toISOString(),
    };
  });
};
