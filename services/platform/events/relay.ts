import type pg from 'pg';
import type { EventTopic, ServiceName } from '../../catalog.js';
import { inTransaction } from '../transaction.js';
import type { EventBus, EventEnvelope } from './types.js';

export interface RelayMetrics {
  published(topic: EventTopic, count: number): void;
  failed(): void;
  /** Age in seconds of the oldest unpublished row a poll found (0 when none), every poll. */
  lag(seconds: number): void;
}

export interface RelayOptions {
  readonly pool: pg.Pool;
  readonly bus: EventBus;
  readonly source: ServiceName;
  readonly batchSize?: number;
  /**
   * Poll interval while the outbox is empty. Every commit that writes events nudges the relay
   * of its process (requests and event consumers alike), so the poll only finds rows whose
   * nudge was lost: a relay that crashed before marking its batch, or one that backed off.
   */
  readonly idleMs?: number;
  /** Backoff after a failure doubles from idleMs up to this. */
  readonly maxBackoffMs?: number;
  readonly metrics?: RelayMetrics;
  readonly onError?: (err: unknown) => void;
}

export interface Relay {
  /** Publishes one batch of unpublished rows; returns how many were published. */
  publishBatch(): Promise<number>;
  /** Oldest unpublished row's age in seconds (0 when the outbox is drained). */
  lagSeconds(): Promise<number>;
  /** Starts the loop (idempotent). */
  start(): void;
  /** Wakes the loop now (after a producer committed), instead of at the next poll. */
  nudge(): void;
  /** Stops the loop and waits for the batch in flight. */
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  topic: EventTopic;
  key: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  /** Seconds since the row was written (by the database's clock). */
  age: number;
}

/**
 * The outbox relay. Rows are claimed with FOR UPDATE SKIP LOCKED inside a transaction that
 * stays open while they are published, then marked published in it: concurrent relays (other
 * instances) never take the same row at once, and a relay that dies between publishing and
 * marking leaves the rows unmarked, so they are published again (at least once; consumers
 * dedupe by event id). Never "id greater than the last one seen": ids are not commit-ordered.
 */
export function createRelay(opts: RelayOptions): Relay {
  const batchSize = opts.batchSize ?? 200;
  const idleMs = opts.idleMs ?? 1000;
  const maxBackoffMs = opts.maxBackoffMs ?? 10_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  // A nudge that arrives while a batch is in flight must not be lost.
  let nudged = false;

  /**
   * One cycle in two round trips to the outbox's database: BEGIN rides with the claim, and
   * the mark (or, when the bus refused, the attempt and its error) with the COMMIT. Under a
   * fixed arrival rate each order's events take a cycle of their own, so its round trips are
   * paid per order.
   */
  async function publishBatch(): Promise<number> {
    const { events, refused } = await inTransaction(opts.pool, async (tx) => {
      const { rows } = await tx.query<OutboxRow>(
        `SELECT id, topic, key, payload, created_at,
                EXTRACT(EPOCH FROM now() - created_at)::float8 AS age
           FROM outbox
          WHERE published_at IS NULL
          ORDER BY created_at, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      // The lag metric comes from the batch itself (its first row is the oldest this relay
      // can take), so an idle relay costs one query per poll, not a second one for the lag.
      opts.metrics?.lag(Math.max(0, rows[0]?.age ?? 0));
      if (rows.length === 0) return { events: [] };
      const batch: EventEnvelope[] = rows.map((r) => ({
        id: r.id,
        topic: r.topic,
        key: r.key,
        source: opts.source,
        occurredAt: r.created_at.toISOString(),
        payload: r.payload,
      }));
      const ids = rows.map((r) => r.id);
      try {
        await opts.bus.publish(batch);
      } catch (err) {
        // Recorded for operators; the rows stay unpublished and are retried after a backoff.
        tx.queue(
          `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])`,
          [ids, String((err as Error).message ?? err).slice(0, 500)],
        );
        return { events: [], refused: { err } };
      }
      tx.queue(
        `UPDATE outbox SET published_at = now(), attempts = attempts + 1
          WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return { events: batch };
    });
    if (refused) throw refused.err;
    const perTopic = new Map<EventTopic, number>();
    for (const e of events) perTopic.set(e.topic, (perTopic.get(e.topic) ?? 0) + 1);
    for (const [topic, n] of perTopic) opts.metrics?.published(topic, n);
    return events.length;
  }

  async function lagSeconds(): Promise<number> {
    const { rows } = await opts.pool.query<{ lag: string | null }>(
      `SELECT EXTRACT(EPOCH FROM now() - min(created_at))::text AS lag
         FROM outbox WHERE published_at IS NULL`,
    );
    return Math.max(0, Number(rows[0]?.lag ?? 0));
  }

  /** Sleeps `ms`; an idle sleep ends early on a nudge, a backoff does not (except on stop). */
  function sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = () => {
        if (wakeable || stopped) done();
      };
    });
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      let published = 0;
      nudged = false;
      try {
        published = await publishBatch();
        failures = 0;
      } catch (err) {
        failures += 1;
        opts.metrics?.failed();
        opts.onError?.(err);
      }
      if (stopped) break;
      if (failures > 0) await sleep(Math.min(maxBackoffMs, idleMs * 2 ** failures), false);
      else if (published < batchSize && !nudged) await sleep(idleMs, true);
    }
  }

  return {
    publishBatch,
    lagSeconds,
    start() {
      stopped = false;
      running ??= loop().finally(() => (running = undefined));
    },
    nudge() {
      nudged = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
