import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { graphFailure } from './errors.js';

/** The user a GraphQL operation runs for, and what travels with every call made for it. */
export interface Caller {
  readonly userId: string;
  readonly roles: readonly string[];
  /** The user's own `Authorization` header: services check the user themselves. */
  readonly authorization: string;
  readonly requestId: string;
  readonly trace: { readonly traceId: string; readonly sampled: boolean };
}

/** The caller of an authenticated request, or null for an anonymous one. */
export function callerOf(request: FastifyRequest): Caller | null {
  const { user } = request;
  const authorization = request.headers.authorization;
  if (!user || typeof authorization !== 'string') return null;
  return {
    userId: user.id,
    roles: user.roles,
    authorization,
    requestId: String(request.id),
    trace: request.trace,
  };
}

/** The caller, or ALP_GRAPHQL_UNAUTHENTICATED: user data is never served anonymously. */
export function requireCaller(caller: Caller | null | undefined): Caller {
  if (!caller) throw graphFailure('ALP_GRAPHQL_UNAUTHENTICATED');
  return caller;
}

/** The platform's auth error, with its code where GraphQL clients read it (`extensions`). */
function withCode(err: Error): Error {
  return Object.assign(err, { extensions: { code: (err as { code?: string }).code } });
}

/**
 * Runs the platform's token check (`app.authenticate`) on a request that already passed its
 * hooks: a WebSocket's `connection_init` payload brings the token after the upgrade.
 */
export function authenticateLate(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    app.authenticate.call(app, request, undefined as unknown as FastifyReply, (err?: Error) =>
      err ? reject(withCode(err)) : resolve(),
    );
  });
}

/**
 * Route hook: a request with an `Authorization` header is authenticated (an invalid token is
 * a 401); one without stays anonymous and may read only the platform's public fields.
 */
export function optionalAuthentication(app: FastifyInstance) {
  return function authenticateIfToken(
    request: FastifyRequest,
    reply: FastifyReply,
    done: (err?: Error) => void,
  ): void {
    if (request.headers.authorization === undefined) return done();
    app.authenticate.call(app, request, reply, (err?: Error) => {
      if (!err) return done();
      // Mercurius renders the route's errors as GraphQL: keep the code and the challenge.
      const { headers } = err as { headers?: Record<string, string> };
      if (headers) reply.headers(headers);
      done(withCode(err));
    });
  };
}
