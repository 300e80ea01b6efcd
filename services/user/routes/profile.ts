import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { userErrors } from '../errors.js';
import { findProfile, listProfiles, patchProfile } from '../profiles.js';

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** Only these fields: roles, kycStatus, id, email ... are refused with 400 (mass assignment). */
const patchBody = Type.Object(
  {
    // At least one visible character: a name of spaces is no name.
    displayName: Type.Optional(
      nullable(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })),
    ),
    country: Type.Optional(nullable(Type.String({ pattern: '^[A-Z]{2}$' }))),
    timezone: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 64 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** Whether the runtime knows `tz` as an IANA time zone (aliases such as US/Eastern included). */
function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const listQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const profileRoutes: FastifyPluginAsync = async (app) => {
  const authenticated = { preValidation: app.authenticate };
  const adminOnly = { preValidation: [app.authenticate, app.requireRole('admin')] };

  app.get('/api/v1/users/me', authenticated, async (request) => {
    const profile = await findProfile(app.pg, request.user!.id);
    if (!profile) throw new userErrors.ALP_USER_NOT_FOUND();
    return profile;
  });

  app.patch<{ Body: Static<typeof patchBody> }>(
    '/api/v1/users/me',
    { ...authenticated, schema: { body: patchBody } },
    async (request) => {
      const { timezone } = request.body;
      if (typeof timezone === 'string' && !knownTimeZone(timezone)) {
        throw new userErrors.ALP_USER_TIMEZONE_UNKNOWN(timezone);
      }
      const profile = await patchProfile(app.pg, request.user!.id, request.body);
      if (!profile) throw new userErrors.ALP_USER_NOT_FOUND();
      return profile;
    },
  );

  app.get<{ Querystring: Static<typeof listQuery> }>(
    '/api/v1/users',
    { ...adminOnly, schema: { querystring: listQuery } },
    async (request) => {
      const { limit, offset } = request.query;
      return { items: await listProfiles(app.pg, limit, offset), limit, offset };
    },
  );

  // Another user's profile is 404 whether or not it exists; admins may read any.
  app.get<{ Params: Static<typeof idParams> }>(
    '/api/v1/users/:id',
    { ...authenticated, schema: { params: idParams } },
    async (request) => {
      const user = request.user!;
      const mayRead = user.id === request.params.id || user.roles.includes('admin');
      const profile = mayRead ? await findProfile(app.pg, request.params.id) : undefined;
      if (!profile) throw new userErrors.ALP_USER_NOT_FOUND();
      return profile;
    },
  );
};
