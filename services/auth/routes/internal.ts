import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { SERVICE_NAMES } from '../../catalog.js';
import { ROLES } from '../../platform/index.js';
import { checkServiceCredential } from '../domain/service-credentials.js';
import { authRouteErrors } from '../errors.js';
import type { AuthDeps } from '../session.js';
import { setRoles } from '../users.js';
import type { Config } from '../config.js';

const serviceName = Type.Union(SERVICE_NAMES.map((n) => Type.Literal(n)));
const tokenBody = Type.Object(
  {
    service: serviceName,
    credential: Type.String({ minLength: 1, maxLength: 256 }),
    audience: serviceName,
  },
  { additionalProperties: false },
);

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
 * Service-to-service routes (never routed by the gateway: its table only has /api/v1/auth
 * and the JWKS).
 * - `POST /internal/service-tokens`: a service trades its credential for a short-lived svc+jwt
 *   addressed to one other service.
 * - `PUT /internal/users/:id/roles`: auth owns roles (they go into access tokens); the user
 *   service's admin route changes them here. Only the user service may call it. The change
 *   shows in the next access token (refresh), i.e. within the 15-minute token lifetime.
 */
export const internalRoutes: FastifyPluginAsync<{ deps: AuthDeps; config: Config }> = async (
  app,
  { deps, config },
) => {
  const master = Buffer.from(config.SERVICE_CREDENTIAL_MASTER, 'utf8');

  app.post<{ Body: Static<typeof tokenBody> }>(
    '/internal/service-tokens',
    { schema: { body: tokenBody } },
    async (request) => {
      const { service, credential, audience } = request.body;
      if (!checkServiceCredential(master, service, credential)) {
        request.log.warn({ service }, 'service credential refused');
        throw new authRouteErrors.ALP_AUTH_SERVICE_CREDENTIAL_INVALID();
      }
      const t = deps.keys.issueServiceToken(service, audience);
      return { tokenType: 'svc+jwt', token: t.token, expiresIn: t.expiresInSec };
    },
  );

  app.put<{ Params: Static<typeof idParams>; Body: Static<typeof rolesBody> }>(
    '/internal/users/:id/roles',
    {
      schema: { params: idParams, body: rolesBody },
      preValidation: app.authenticateService(['user']),
    },
    async (request) => {
      const user = await setRoles(app.pg, request.params.id, request.body.roles);
      if (!user) throw new authRouteErrors.ALP_AUTH_USER_NOT_FOUND();
      request.log.info({ userId: user.id, roles: user.roles }, 'roles changed');
      return { id: user.id, roles: user.roles };
    },
  );
};
