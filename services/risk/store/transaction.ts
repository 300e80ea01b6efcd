import type pg from 'pg';

/**
 * Something to run statements on: a connection inside a transaction the caller controls
 * (writes), or the pool itself (single-statement reads).
 */
export type Tx = Pick<pg.ClientBase, 'query'>;

/** Runs `work` in one transaction on a connection of `pool` (committed, or rolled back on error). */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
