import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { eventsPlugin } from '../platform/events/index.js';
import { userRegisteredHandler } from './events/user-registered.js';
import { internalRoutes } from './routes/internal.js';
import { kycRoutes } from './routes/kyc.js';
import { profileRoutes } from './routes/profile.js';
import { rolesRoute } from './routes/roles.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'user',
  schema: configSchema,
  capabilities: {
    implemented: [
      'GET/PATCH /api/v1/users/me (only displayName, country, timezone; anything else is 400)',
      "GET /api/v1/users/:id (own profile; another user's is 404; admins read any)",
      'GET /api/v1/users (admin list)',
      'KYC: POST /api/v1/users/me/kyc (submit), POST /api/v1/users/:id/kyc (admin approve/reject), workflow enforced by the database',
      'PUT /api/v1/users/:id/roles (admin; changed in auth, which owns roles, then mirrored)',
      'POST /internal/users (profile creation, service token from auth only)',
      'consumes UserRegistered: the profile is created once even if auth could not call (user was down)',
    ],
    pending: ['KYC documents (the workflow has statuses only)'],
  },
  routes: async (app) => {
    await app.register(eventsPlugin, { handlers: { UserRegistered: userRegisteredHandler } });
    await app.register(profileRoutes);
    await app.register(kycRoutes);
    await app.register(rolesRoute);
    await app.register(internalRoutes);
  },
};

/** Builds the user service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
