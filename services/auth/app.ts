import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { eventsPlugin } from '../platform/events/index.js';
import { createAccessTokenIssuer } from './domain/access-token-issuer.js';
import { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from './domain/login-throttle.js';
import { createPasswordHasher, type PasswordHasher } from './domain/password-hash.js';
import { configSchema, type Config } from './config.js';
import { authIdentity, authKeys } from './keys.js';
import { internalRoutes } from './routes/internal.js';
import { jwksRoute } from './routes/jwks.js';
import { loginRoute } from './routes/login.js';
import { meRoute } from './routes/me.js';
import { refreshRoutes } from './routes/refresh.js';
import { registerRoute } from './routes/register.js';
import type { AuthDeps } from './session.js';

export interface AuthOptions {
  /** Default: argon2id at OWASP parameters (19 MiB, t=2, p=1). Tests pass cheaper ones. */
  readonly hasher?: PasswordHasher;
  readonly throttle?: ThrottlePolicy;
}

/** The auth service; `options` exist for tests (cheap hashing), main.ts uses the defaults. */
export function authDefinition(options: AuthOptions = {}): ServiceDefinition<typeof configSchema> {
  return {
    name: 'auth',
    schema: configSchema,
    capabilities: {
      implemented: [
        'POST /api/v1/auth/register (argon2id m=19 MiB t=2 p=1; scrypt hashes of earlier versions verify and are rehashed at login; UserRegistered in the outbox with the identity; the profile is created in user at once when it is up, from the event otherwise)',
        'POST /api/v1/auth/login (generic 401, dummy hash for unknown emails, per-account and per-IP back-off with Retry-After)',
        'POST /api/v1/auth/refresh (rotation; reuse revokes the family), POST /api/v1/auth/logout (revokes the family)',
        'GET /api/v1/auth/me',
        'GET /.well-known/jwks.json (RS256, kid = RFC 7638 thumbprint, previous keys published for rotation)',
        'POST /internal/service-tokens (service credential → 5-minute svc+jwt)',
        'PUT /internal/users/:id/roles (auth owns roles; called by user only)',
      ],
      pending: [
        'password change and reset',
        'disabling accounts (the column exists; no route sets it)',
        'housekeeping of old login attempts and dead refresh families (statements exist, nothing schedules them)',
      ],
    },
    identity: authIdentity,
    routes: async (app, { config }) => {
      const keys = authKeys(config);
      const deps: AuthDeps = {
        hasher: options.hasher ?? createPasswordHasher(),
        throttle: options.throttle ?? DEFAULT_THROTTLE_POLICY,
        keys,
        issueAccessToken: createAccessTokenIssuer({
          key: keys.signing,
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
        }),
      };
      await app.register(eventsPlugin);
      await app.register(registerRoute, { deps });
      await app.register(loginRoute, { deps });
      await app.register(refreshRoutes, { deps });
      await app.register(meRoute);
      await app.register(jwksRoute, { deps });
      await app.register(internalRoutes, { deps, config });
    },
  };
}

export const definition = authDefinition();

/** Builds the auth service without listening (tests use `inject`). */
export function build(
  config: Config,
  options?: BuildOptions & AuthOptions,
): Promise<FastifyInstance> {
  return createService(authDefinition(options), config, options);
}
