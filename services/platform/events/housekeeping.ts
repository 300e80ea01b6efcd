import type pg from 'pg';

/**
 * How long the event tables keep rows they no longer need. A published outbox row has done its
 * work (the relay reads only unpublished rows). A processed event id only has to outlive any
 * redelivery of an event that was applied: pg-boss redelivers within minutes (retry backoff,
 * 15 s expiry) and keeps no job longer than 14 days, so 30 days is far beyond either.
 */
export interface Retention {
  readonly publishedOutboxMs: number;
  readonly processedEventsMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_RETENTION: Retention = {
  publishedOutboxMs: 7 * DAY_MS,
  processedEventsMs: 30 * DAY_MS,
};

export interface PruneResult {
  readonly outbox: number;
  readonly processedEvents: number;
}

/** Rows deleted per statement, so a first run on a big table never holds long locks. */
const BATCH = 5_000;

async function pruneInBatches(pool: pg.Pool, sql: string, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, [cutoff, BATCH]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}

/**
 * Deletes published outbox rows and processed event ids older than the retention, in batches.
 * Rows are taken with SKIP LOCKED, so instances pruning at once never wait on each other or
 * on a relay, and an unpublished outbox row is never touched, however old.
 */
export async function pruneEventTables(
  pool: pg.Pool,
  tables: { readonly outbox: boolean; readonly processedEvents: boolean },
  retention: Retention = DEFAULT_RETENTION,
  now = Date.now(),
): Promise<PruneResult> {
  const outbox = tables.outbox
    ? await pruneInBatches(
        pool,
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE published_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        new Date(now - retention.publishedOutboxMs),
      )
    : 0;
  const processedEvents = tables.processedEvents
    ? await pruneInBatches(
        pool,
        `DELETE FROM processed_events WHERE (consumer, event_id) IN (
           SELECT consumer, event_id FROM processed_events WHERE processed_at < $1
            LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        new Date(now - retention.processedEventsMs),
      )
    : 0;
  return { outbox, processedEvents };
}
