import type pg from 'pg';
import { inTransaction, type WriteTx } from '../transaction.js';

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
