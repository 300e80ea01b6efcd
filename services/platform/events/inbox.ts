import type pg from 'pg';
import { runByLockKey } from '../batcher.js';
import { inTransaction, type WriteTx } from '../transaction.js';
import type { EventEnvelope } from './types.js';

export type InboxResult = 'applied' | 'duplicate';

/**
 * Applies an event's effect at most once per consumer: the event id is recorded in
 * `processed_events` in the same transaction as the effect. A redelivery finds the id and
 * does nothing; a concurrent delivery waits on the first one's row and then sees it. If the
 * effect throws, nothing is recorded and the bus delivers the event again.
 */
export async function applyOnce(
  pool: pg.Pool,
  consumer: string,
  eventId: string,
  effect: (tx: WriteTx) => Promise<void>,
): Promise<InboxResult> {
  return inTransaction(pool, async (tx): Promise<InboxResult> => {
    const { rowCount } = await tx.query(
      `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [consumer, eventId],
    );
    // A duplicate wrote nothing: committing the empty transaction is the same as rolling back.
    if (rowCount === 0) return 'duplicate';
    await effect(tx);
    return 'applied';
  });
}

/**
 * `applyOnce` for several events in one transaction: their ids are recorded in one statement
 * and the effects of those not seen before run all or nothing. With `lockKey`, events of one
 * key apply one after another in delivery order and different keys side by side, in key order
 * (runByLockKey): their statements share round trips, and the rows of different keys are
 * locked in the same order as every other batch of the service locks them. Without it, the
 * effects run one by one in delivery order.
 */
export async function applyAllOnce(
  pool: pg.Pool,
  consumer: string,
  events: readonly EventEnvelope[],
  effect: (tx: WriteTx, event: EventEnvelope) => Promise<void>,
  lockKey: (event: EventEnvelope) => string = () => '',
): Promise<{ applied: number; duplicate: number }> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ event_id: string }>(
      `INSERT INTO processed_events (consumer, event_id)
       SELECT $1, unnest($2::uuid[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, events.map((e) => e.id)],
    );
    const fresh = new Set(rows.map((r) => r.event_id));
    await runByLockKey(
      events.filter((e) => fresh.has(e.id.toLowerCase())),
      lockKey,
      (event) => effect(tx, event),
    );
    return { applied: fresh.size, duplicate: events.length - fresh.size };
  });
}
