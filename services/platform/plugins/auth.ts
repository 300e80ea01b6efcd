import fp from 'fastify-plugin';
import type { FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import { defineErrors } from '../errors.js';
import {
  bearerToken,
  createAccessTokenVerifier,
  createJwksKeySet,
  createServiceTokenVerifier,
  httpJwksFetcher,
  type AccessTokenClaims,
  type KeySource,
  type ServiceCaller,
} from '../security/index.js';

/** The roles a user can hold; auth puts them in the access token's `roles` claim. */
export const ROLES = ['trader', 'risk-officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller of a request authenticated with a user access token. */
export interface AuthenticatedUser {
  readonly id: string;
  readonly roles: readonly string[];
}

export const accessErrors = defineErrors({
  ALP_AUTH_FORBIDDEN: { status: 403, message: 'you may not do this' },
});

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Route hook: a valid `Authorization: Bearer <access token>` sets `request.user`, else 401.
     * Routes run it as preValidation, before the body is validated: a caller without a token
     * learns nothing about what the route accepts.
     */
    authenticate: preHandlerHookHandler;
    /** Route hook (after `authenticate`): 403 ALP_AUTH_FORBIDDEN unless the user holds one of `roles`. */
    requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
    /**
     * Route hook for `/internal/*` routes: only a service token addressed to this service
     * (aud = its name), from one of `allowedCallers` when given; sets `request.caller`.
     * User access tokens are refused (401).
     */
    authenticateService(allowedCallers?: readonly string[]): preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    user: AuthenticatedUser | null;
    caller: ServiceCaller | null;
  }
}

export interface AuthPluginOptions {
  /** Where verification keys come from (JWKS over HTTP, auth's own keys, a test's keys). */
  readonly keys: KeySource;
  readonly issuer: string;
  /** Audience of user access tokens (JWT_AUDIENCE). */
  readonly audience: string;
  /** This service's name: the audience of the service tokens it accepts. */
  readonly service: string;
}

/** The default key source of a service: auth's JWKS, cached, with a bounded refetch on unknown kid. */
export function jwksFromAuth(authUrl: string): KeySource {
  return createJwksKeySet({
    fetchJwks: httpJwksFetcher(`${authUrl.replace(/\/+$/, '')}/.well-known/jwks.json`),
  });
}

/** Logs why a token was refused (never told to the client) and adds the RFC 6750 challenge. */
function refused(request: FastifyRequest, err: unknown): unknown {
  const e = err as { code?: string; statusCode?: number; reason?: string };
  if (e.code?.startsWith('ALP_AUTH_')) {
    request.log.info({ code: e.code, reason: e.reason }, 'request not authenticated');
    if (e.statusCode === 401) {
      Object.assign(e, { headers: { 'www-authenticate': 'Bearer realm="alphintra"' } });
    }
  }
  return err;
}

/**
 * Token verification for every service: services verify tokens themselves (the gateway's check
 * is not trusted, and there is no "routed by the gateway" header).
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, opts) => {
    const access = createAccessTokenVerifier({
      keys: opts.keys,
      issuer: opts.issuer,
      audience: opts.audience,
    });
    app.decorateRequest('user', null);
    app.decorateRequest('caller', null);

    // Callback style: a token seen before is answered from memory, with no promise at all.
    app.decorate('authenticate', function authenticate(request, _reply, done) {
      let token: string;
      try {
        token = bearerToken(request.headers.authorization);
      } catch (err) {
        done(refused(request, err) as Error);
        return;
      }
      const accept = (claims: AccessTokenClaims) => {
        request.user = { id: claims.sub, roles: claims.roles };
        done();
      };
      const known = access.peek(token);
      if (known) return accept(known);
      access.verify(token).then(accept, (err: unknown) => done(refused(request, err) as Error));
    } satisfies preHandlerHookHandler);

    app.decorate('requireRole', (...roles: Role[]): preHandlerAsyncHookHandler => {
      const wanted = new Set<string>(roles);
      return async function requireRole(request: FastifyRequest) {
        if (!request.user) throw new Error('requireRole used without authenticate before it');
        if (!request.user.roles.some((r) => wanted.has(r))) {
          request.log.info({ need: roles, has: request.user.roles }, 'role missing');
          throw new accessErrors.ALP_AUTH_FORBIDDEN();
        }
      };
    });

    app.decorate(
      'authenticateService',
      (allowedCallers?: readonly string[]): preHandlerAsyncHookHandler => {
        const verifier = createServiceTokenVerifier({
          keys: opts.keys,
          issuer: opts.issuer,
          audience: opts.service,
          ...(allowedCallers && { allowedCallers }),
        });
        return async function authenticateService(request: FastifyRequest) {
          try {
            request.caller = await verifier.verify(bearerToken(request.headers.authorization));
          } catch (err) {
            throw refused(request, err);
          }
        };
      },
    );
  },
  { name: 'alphintra-auth', fastify: '5.x', dependencies: ['alphintra-problem'] },
);
