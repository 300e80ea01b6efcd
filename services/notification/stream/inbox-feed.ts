import pg from 'pg';
import type { Tx } from '../../platform/transaction.js';
import { entriesByIds, type EntryView } from '../store/inbox-store.js';

/** The channel migration 002's trigger announces every new inbox row on. */
export const INBOX_CHANNEL = 'notification_inbox';

/** One open stream: gets the user's new entries; `end` is called when the feed lets go. */
export interface FeedSubscriber {
  readonly userId: string;
  deliver(entry: EntryView): void;
  /** The feed stopped (closing, or its LISTEN connection was lost: entries may be missed). */
  end(): void;
}

export interface InboxFeedOptions {
  /** The service's own database, where the inbox and its trigger live. */
  readonly connectionString: string;
  /** Reads the announced rows (the service's pool). */
  readonly db: Tx;
  /** Wait before reconnecting a lost LISTEN connection (default 1 s). */
  readonly reconnectMs?: number;
  readonly onError?: (err: unknown) => void;
}

export interface InboxFeed {
  /** Adds a subscriber; the returned function removes it. Throws when the feed is not listening. */
  subscribe(subscriber: FeedSubscriber): () => void;
  /** Whether the LISTEN connection is up (readiness, and whether a stream may open). */
  readonly listening: boolean;
  /** Open streams per user on this instance. */
  count(userId: string): number;
  /** Ends every stream (graceful shutdown: open streams would hold the server open). */
  endAll(): void;
  close(): Promise<void>;
}

/**
 * The live side of the inbox. One LISTEN connection per instance hears of every committed
 * inbox row, whichever instance wrote it (NOTIFY reaches every listening session, on commit
 * only). Rows are read only for users with a stream open here, in one query per burst of
 * announcements, and handed to their streams in id order.
 *
 * While the LISTEN connection is down announcements are lost, so its loss ends every stream:
 * clients reconnect with Last-Event-ID and the stream route replays what they missed.
 */
export async function createInboxFeed(opts: InboxFeedOptions): Promise<InboxFeed> {
  const subscribers = new Map<string, Set<FeedSubscriber>>();
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let pending: { id: string; userId: string }[] = [];
  let scheduled = false;

  function endAll(): void {
    const all = [...subscribers.values()].flatMap((s) => [...s]);
    subscribers.clear();
    for (const s of all) s.end();
  }

  async function fanOut(ids: string[]): Promise<void> {
    const rows = await entriesByIds(opts.db, ids);
    for (const { userId, entry } of rows) {
      for (const s of subscribers.get(userId) ?? []) s.deliver(entry);
    }
  }

  function announced(payload: string | undefined): void {
    const [id, userId] = (payload ?? '').split(' ');
    if (!id || !userId || !subscribers.has(userId)) return;
    pending.push({ id, userId });
    if (scheduled) return;
    scheduled = true;
    // Announcements of one commit arrive together: one read for all of them.
    setImmediate(() => {
      scheduled = false;
      const batch = pending;
      pending = [];
      fanOut(batch.map((p) => p.id)).catch((err: unknown) => {
        // These users' streams would silently miss entries: end them, so that they resume.
        opts.onError?.(err);
        for (const userId of new Set(batch.map((p) => p.userId))) {
          const set = subscribers.get(userId);
          subscribers.delete(userId);
          for (const s of set ?? []) s.end();
        }
      });
    });
  }

  async function listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: opts.connectionString,
      application_name: 'notification-listen',
    });
    client.on('notification', (msg) => {
      if (msg.channel === INBOX_CHANNEL) announced(msg.payload);
    });
    const lost = (err?: unknown) => {
      if (listener !== client) return;
      listener = undefined;
      if (err) opts.onError?.(err);
      client.end().catch(() => undefined);
      endAll();
      scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${INBOX_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    listener = client;
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      listen().catch((err: unknown) => {
        opts.onError?.(err);
        scheduleReconnect();
      });
    }, opts.reconnectMs ?? 1_000);
    reconnectTimer.unref();
  }

  await listen();

  return {
    subscribe(subscriber) {
      if (!listener) throw new Error('the inbox feed is not listening');
      let set = subscribers.get(subscriber.userId);
      if (!set) subscribers.set(subscriber.userId, (set = new Set()));
      set.add(subscriber);
      return () => {
        const s = subscribers.get(subscriber.userId);
        if (!s?.delete(subscriber)) return;
        if (s.size === 0) subscribers.delete(subscriber.userId);
      };
    },
    get listening() {
      return listener !== undefined;
    },
    count: (userId) => subscribers.get(userId)?.size ?? 0,
    endAll,
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      endAll();
      const l = listener;
      listener = undefined;
      await l?.end().catch(() => undefined);
    },
  };
}
