import type { FastifyRequest } from 'fastify';
import type { CallContext } from '../../platform/index.js';

/** The identity of an incoming request that travels with the calls it makes. */
export function callContext(request: FastifyRequest): CallContext {
  return { id: String(request.id), trace: request.trace };
}

/** The authenticated user's id (routes run `app.authenticate` first). */
export function userIdOf(request: FastifyRequest): string {
  if (!request.user) throw new Error('route used without app.authenticate');
  return request.user.id;
}
