import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { isUpstreamRejected, ROLES } from '../../platform/index.js';
import { userErrors } from '../errors.js';
import { setProfileRoles } from '../profiles.js';

const rolesBody = Type.Object(
  {
    roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), {
      minItems: 1,
      maxItems: ROLES.length,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);
const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * `PUT /api/v1/users/:id/roles` (admin). Auth owns roles because it puts them in access tokens:
 * the change is made there first (`PUT /internal/users/:id/roles` with a service token), then
 * mirrored into the profile. If auth refuses or is down nothing changes here; if the mirror
 * update fails after auth changed, the next call repairs it (the route is idempotent).
 */
export const rolesRoute: FastifyPluginAsync = async (app) => {
  app.put<{ Params: Static<typeof idParams>; Body: Static<typeof rolesBody> }>(
    '/api/v1/users/:id/roles',
    {
      preValidation: [app.authenticate, app.requireRole('admin')],
      schema: { params: idParams, body: rolesBody },
    },
    async (request) => {
      const { id } = request.params;
      const res = await app.services
        .call<{ id: string; roles: string[] }>('auth', {
          method: 'PUT',
          path: `/internal/users/${id}/roles`,
          body: { roles: request.body.roles },
          context: request,
        })
        .catch((err: unknown) => {
          if (isUpstreamRejected(err) && err.upstream.status === 404) {
            throw new userErrors.ALP_USER_NOT_FOUND();
          }
          throw err;
        });
      const profile = await setProfileRoles(app.pg, id, res.body.roles);
      if (!profile) throw new userErrors.ALP_USER_NOT_FOUND();
      return profile;
    },
  );
};
