import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { parseEntryId } from '../domain/pagination.js';
import { sseComment, sseEvent, sseRetry } from '../domain/sse.js';
import { notificationErrors } from '../errors.js';
import { entriesAfter, type EntryView } from '../store/inbox-store.js';
import { inboxOwnerOf } from './owner.js';

/** Streams one user may hold open on one instance (each holds a connection and a buffer). */
export const MAX_STREAMS_PER_USER = 5;
/** Entries replayed after a Last-Event-ID; older ones are in the inbox listing. */
export const REPLAY_LIMIT = 100;
/** A client this far behind is dropped (it reconnects with Last-Event-ID and catches up). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface StreamRouteOptions {
  /** Comment lines this often keep an idle stream (and every proxy on its way) open. */
  readonly heartbeatMs?: number;
}

/**
 * `GET /api/v1/notifications/stream`: Server-Sent Events. Every new entry of the caller's inbox
 * is sent as `event: notification` with the entry as JSON data and its id as the event id, as
 * soon as the transaction that wrote it commits (on whichever instance). A client that
 * reconnects with `Last-Event-ID` first gets what it missed (up to 100 entries), then the live
 * ones, each once.
 */
export const streamRoute: FastifyPluginAsync<StreamRouteOptions> = async (app, opts) => {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const feed = app.inboxFeed;

  app.get(
    '/api/v1/notifications/stream',
    { preValidation: app.authenticate },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      let after: string | undefined;
      if (lastEventId !== undefined) {
        after = parseEntryId(lastEventId);
        if (!after) throw new notificationErrors.ALP_NOTIFICATION_LAST_EVENT_ID_INVALID();
      }
      const owner = inboxOwnerOf(request);
      // A subject that is not a uuid owns no entries: its stream stays silent.
      const key = owner ?? `subject:${request.user!.id}`;
      if (!feed.listening) {
        reply.header('retry-after', '2');
        throw new notificationErrors.ALP_NOTIFICATION_STREAM_UNAVAILABLE();
      }
      if (feed.count(key) >= MAX_STREAMS_PER_USER) {
        throw new notificationErrors.ALP_NOTIFICATION_TOO_MANY_STREAMS(MAX_STREAMS_PER_USER);
      }

      const out = new PassThrough();
      const write = (chunk: string) => {
        if (out.writableEnded) return;
        if (out.writableLength > MAX_BUFFERED_BYTES) out.end();
        else out.write(chunk);
      };
      // Subscribed before the replay is read, so an entry committed meanwhile is either in
      // the replay or delivered live (held until the replay is out; sent once either way).
      let held: EntryView[] | undefined = [];
      const send = (entry: EntryView) => write(sseEvent(entry.id, 'notification', entry));
      const unsubscribe = feed.subscribe({
        userId: key,
        deliver: (entry) => (held ? held.push(entry) : send(entry)),
        end: () => out.end(),
      });
      const heartbeat = setInterval(() => write(sseComment('keep-alive')), heartbeatMs);
      heartbeat.unref();
      out.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });

      // The headers leave with the first bytes: a proxy waiting for them gets them now.
      write(sseRetry(2_000));
      try {
        const replay = after && owner ? await entriesAfter(app.pg, owner, after, REPLAY_LIMIT) : [];
        const replayed = new Set(replay.map((e) => e.id));
        for (const entry of replay) send(entry);
        const live = held;
        held = undefined;
        for (const entry of live) if (!replayed.has(entry.id)) send(entry);
      } catch (err) {
        out.destroy();
        throw err;
      }
      return (
        reply
          .code(200)
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache, no-store')
          .header('x-accel-buffering', 'no')
          // The connection ends with the stream, so a graceful shutdown is not held by it.
          .header('connection', 'close')
          .send(out)
      );
    },
  );
};
