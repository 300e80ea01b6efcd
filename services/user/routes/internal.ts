import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ROLES } from '../../platform/index.js';
import { createProfile } from '../profiles.js';

const body = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), {
      minItems: 1,
      maxItems: ROLES.length,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);

/** `POST /internal/users`: auth creates the profile of a user it registers (auth only). */
export const internalRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: Static<typeof body> }>(
    '/internal/users',
    { preValidation: app.authenticateService(['auth']), schema: { body } },
    async (request, reply) => {
      const { created, profile } = await createProfile(app.pg, request.body);
      reply.code(created ? 201 : 200);
      return profile;
    },
  );
};
