import type pg from 'pg';

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
  effect: (client: pg.PoolClient) => Promise<void>,
): Promise<InboxResult> {
  const client = await pool.connect();
  let failure: Error | undefined;
  // A connection lost mid-transaction rejects the query in flight; without a listener its
  // 'error' event would also crash the process.
  const onError = (e: Error) => (failure = e);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [consumer, eventId],
    );
    if (rowCount === 0) {
      await client.query('ROLLBACK');
      return 'duplicate';
    }
    await effect(client);
    await client.query('COMMIT');
    return 'applied';
  } catch (err) {
    // A connection that cannot even roll back is destroyed rather than returned to the pool.
    await client.query('ROLLBACK').catch((e: Error) => (failure = e));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(failure);
  }
}
