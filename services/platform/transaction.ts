import type pg from 'pg';

/**
 * Something to run statements on: a connection inside a transaction the caller controls
 * (writes), or the pool itself (single-statement reads).
 */
export type Tx = Pick<pg.ClientBase, 'query'>;

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT on success, ROLLBACK on any
 * error. A connection that failed mid-transaction is destroyed rather than returned to the
 * pool, so the next request never inherits a broken session.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (e: Error) => (broken = e);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
