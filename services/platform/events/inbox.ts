import type pg from 'pg';
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
 * and the effects of those not seen before run all or nothing, in delivery order: one by one
 * through `effect`, or all at once through `effectAll` when the consumer has a set-based one
 * (which then locks its rows in a fixed order itself, as the service's other batches do).
 */
export async function applyAllOnce(
  pool: pg.Pool,
  consumer: string,
  events: readonly EventEnvelope[],
  effect: (tx: WriteTx, event: EventEnvelope) => Promise<void>,
  effectAll?: (tx: WriteTx, events: readonly EventEnvelope[]) => Promise<void>,
): Promise<{ applied: number; duplicate: number }> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ event_id: string }>(
      `INSERT INTO processed_events (consumer, event_id)
       SELECT $1, unnest($2::uuid[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, events.map((e) => e.id)],
    );
    const ids = new Set(rows.map((r) => r.event_id));
    const fresh = events.filter((e) => ids.has(e.id.toLowerCase()));
    if (effectAll) {
      if (fresh.length > 0) await effectAll(tx, fresh);
    } else {
      for (const event of fresh) await effect(tx, event);
    }
    return { applied: ids.size, duplicate: events.length - ids.size };
  });
}
