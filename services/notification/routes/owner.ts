import type { FastifyRequest } from 'fastify';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The authenticated user's id as the inbox stores it (lower-case uuid), or undefined for a
 * subject that is not a uuid: such a caller owns no entries (routes run `authenticate` first).
 */
export function inboxOwnerOf(request: FastifyRequest): string | undefined {
  if (!request.user) throw new Error('route used without app.authenticate');
  const id = request.user.id;
  return UUID.test(id) ? id.toLowerCase() : undefined;
}
