import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { pipeline, pipelineEach, SkippedStatementError } from './pipeline.js';
import { inTransaction } from './transaction.js';

describe.skipIf(!ADMIN_DATABASE_URL)('pipelines and transactions (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  /** Round trips: Sync messages the server answered, counted from the client's side. */
  let syncs = 0;

  beforeAll(async () => {
    db = await createTestDatabase('pipeline');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    pool.on('connect', (client) => {
      const connection = (client as unknown as { connection: pg.Connection }).connection;
      connection.on('readyForQuery', () => (syncs += 1));
    });
    await pool.query(`CREATE TABLE t (id int PRIMARY KEY, note text, at timestamptz,
                                      amount numeric(38,18), doc jsonb)`);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    await pool.query('TRUNCATE t');
  });

  const count = async () => Number((await pool.query('SELECT count(*) FROM t')).rows[0].count);

  test('sends every statement in one round trip and parses rows like client.query', async () => {
    const client = await pool.connect();
    try {
      const before = syncs;
      const at = new Date('2026-01-02T03:04:05.678Z');
      const results = await pipeline(client, [
        {
          text: 'INSERT INTO t (id, note, at, amount, doc) VALUES ($1, $2, $3, $4, $5)',
          values: [1, 'a', at, '0.1', { k: [1, 2] }],
        },
        { text: 'INSERT INTO t (id, note) VALUES ($1, $2) RETURNING id, note', values: [2, null] },
        { text: 'SELECT id, at, amount::text AS amount, doc FROM t ORDER BY id' },
        { text: 'UPDATE t SET note = $1 WHERE id > 0', values: ['z'] },
      ]);
      expect(syncs - before).toBe(1);
      expect(results.map((r) => [r.command, r.rowCount])).toEqual([
        ['INSERT', 1],
        ['INSERT', 1],
        ['SELECT', 2],
        ['UPDATE', 2],
      ]);
      expect(results[1]!.rows).toEqual([{ id: 2, note: null }]);
      expect(results[2]!.rows[0]).toEqual({
        id: 1,
        at,
        amount: '0.100000000000000000',
        doc: { k: [1, 2] },
      });
    } finally {
      client.release();
    }
  });

  test('outside a transaction a pipeline is all or nothing; later statements are skipped', async () => {
    const client = await pool.connect();
    try {
      const each = pipelineEach(client, [
        { text: 'INSERT INTO t (id) VALUES (1)' },
        { text: 'INSERT INTO t (id) VALUES (1)' },
        { text: 'INSERT INTO t (id) VALUES (3)' },
      ]);
      const settled = await Promise.allSettled(each);
      expect(settled[0]!.status).toBe('fulfilled');
      expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
      expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(SkippedStatementError);
      await expect(
        pipeline(client, [{ text: 'SELECT 1' }, { text: 'SELECT nope' }]),
      ).rejects.toMatchObject({ code: '42703' });
      // The client is usable afterwards and the first insert was rolled back with the rest.
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
    expect(await count()).toBe(0);
  });

  test('a named statement is prepared once per connection; a failed first use does not poison it', async () => {
    const client = await pool.connect();
    try {
      const v = { text: 'SELECT $1::int AS v', name: 'alp_test_v' };
      // The same new name twice in one pipeline is parsed once.
      await pipeline(client, [
        { ...v, values: [0] },
        { ...v, values: [1] },
      ]);
      const again = await pipeline(client, [
        { ...v, values: [2] },
        { ...v, values: [3] },
      ]);
      expect(again.map((r) => r.rows[0].v)).toEqual([2, 3]);
      const count = async (name: string) =>
        (
          await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = $1',
            [name],
          )
        ).rows[0]!.n;
      expect(await count('alp_test_v')).toBe(1);
      // Parse succeeds, Bind fails: the name exists on the server but was never confirmed.
      const w = { text: 'SELECT $1::int AS w', name: 'alp_test_w' };
      await expect(pipeline(client, [{ ...w, values: ['seven'] }])).rejects.toMatchObject({
        code: '22P02',
      });
      expect((await pipeline(client, [{ ...w, values: [7] }]))[0]!.rows).toEqual([{ w: 7 }]);
      expect((await pipeline(client, [{ ...w, values: [8] }]))[0]!.rows).toEqual([{ w: 8 }]);
      expect(await count('alp_test_w')).toBe(1);
    } finally {
      client.release();
    }
  });

  test('a read-decide-write transaction costs two round trips, BEGIN and COMMIT included', async () => {
    await pool.query("INSERT INTO t (id, note) VALUES (1, 'x')");
    const before = syncs;
    const note = await inTransaction(pool, async (tx) => {
      const [row, n] = await Promise.all([
        tx.query<{ note: string }>('SELECT note FROM t WHERE id = 1 FOR UPDATE'),
        tx.query<{ n: string }>('SELECT count(*) AS n FROM t'),
      ]);
      tx.queue('INSERT INTO t (id, note) VALUES ($1, $2)', [
        2,
        `${row.rows[0]!.note}${n.rows[0]!.n}`,
      ]);
      tx.queue("UPDATE t SET note = 'y' WHERE id = 1");
      return row.rows[0]!.note;
    });
    expect(syncs - before).toBe(2);
    expect(note).toBe('x');
    expect((await pool.query('SELECT id, note FROM t ORDER BY id')).rows).toEqual([
      { id: 1, note: 'y' },
      { id: 2, note: 'x1' },
    ]);
  });

  test('a failing queued write rolls the whole transaction back and rejects', async () => {
    await expect(
      inTransaction(pool, async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (1)');
        tx.queue('INSERT INTO t (id) VALUES (2)');
        tx.queue('INSERT INTO t (id) VALUES (1)');
        tx.queue('INSERT INTO t (id) VALUES (4)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await count()).toBe(0);
  });

  test('an error the work swallowed still prevents the commit', async () => {
    await expect(
      inTransaction(pool, async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (1)');
        await tx.query('INSERT INTO t (id) VALUES (1)').catch(() => undefined);
        tx.queue('INSERT INTO t (id) VALUES (5)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await count()).toBe(0);
  });

  test('an error thrown by the work rolls back and the connection is reused cleanly', async () => {
    await expect(
      inTransaction(pool, async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (1)');
        throw new Error('decided against it');
      }),
    ).rejects.toThrow('decided against it');
    expect(await count()).toBe(0);
    // Every pooled connection is outside a transaction again.
    const states = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const c = await pool.connect();
        try {
          return (await c.query('SELECT now() = statement_timestamp() AS fresh')).rows[0].fresh;
        } finally {
          c.release();
        }
      }),
    );
    expect(states).toEqual([true, true, true, true]);
  });

  test('a transaction that issues nothing sends nothing', async () => {
    const before = syncs;
    expect(await inTransaction(pool, async () => 42)).toBe(42);
    expect(syncs - before).toBe(0);
  });
});
