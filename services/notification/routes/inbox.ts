import type { FastifyPluginAsync } from 'fastify';
import { clampLimit, decodeCursor, encodeCursor, parseEntryId } from '../domain/pagination.js';
import { notificationErrors } from '../errors.js';
import { markRead, readInboxPage } from '../store/inbox-store.js';
import { inboxOwnerOf } from './owner.js';

/**
 * `GET /api/v1/notifications`: the caller's own entries, newest first, in keyset pages
 * (`limit` clamped to 1..100, default 20; `cursor` from the previous page), with the number of
 * all their unread entries. `POST /api/v1/notifications/:id/read`: marks one entry read
 * (idempotent: the first read time is kept); another user's entry is 404, as a missing one is.
 */
export const inboxRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/api/v1/notifications',
    { preValidation: app.authenticate },
    async (request) => {
      const limit = clampLimit(request.query.limit);
      let after;
      if (request.query.cursor !== undefined) {
        after = decodeCursor(request.query.cursor);
        if (!after) throw new notificationErrors.ALP_NOTIFICATION_CURSOR_INVALID();
      }
      const owner = inboxOwnerOf(request);
      if (!owner) return { items: [], unreadCount: 0, limit, nextCursor: null };
      const page = await readInboxPage(app.pg, owner, limit, after);
      return {
        items: page.items,
        unreadCount: page.unreadCount,
        limit,
        nextCursor: page.next ? encodeCursor(page.next) : null,
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/notifications/:id/read',
    { preValidation: app.authenticate },
    async (request) => {
      const id = parseEntryId(request.params.id);
      const owner = inboxOwnerOf(request);
      const entry = id && owner ? await markRead(app.pg, owner, id) : undefined;
      if (!entry) throw new notificationErrors.ALP_NOTIFICATION_NOT_FOUND();
      return entry;
    },
  );
};
