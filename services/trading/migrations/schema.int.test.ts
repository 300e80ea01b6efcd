import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  columnsWithoutStatistics,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { loadMigrations, migrate, migrationsDir } from '../../platform/index.js';
import { appendAudit, verifyAuditChain, type AuditRecord } from '../domain/audit-chain.js';

const HASH = 'a'.repeat(64);

describe.skipIf(!ADMIN_DATABASE_URL)('trading schema (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('trading');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const result = await migrate(pool, await loadMigrations(migrationsDir('trading')));
    expect(result.applied).toEqual([
      '001_init',
      '002_client_order_id',
      '003_order_view',
      '004_order_view_columns',
      '005_orders_unanswered_index',
      '006_drop_routed_at',
      '007_payload_statistics',
    ]);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function insertOrder(fields: Record<string, unknown> = {}): Promise<string> {
    const row = {
      user_id: 'u1',
      idempotency_key: `k-${Math.random()}`,
      client_order_id: `c-${Math.random()}`,
      request_hash: HASH,
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '10',
      leaves_qty: '10',
      ...fields,
    };
    const keys = Object.keys(row);
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO orders (${keys.join(', ')}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      Object.values(row),
    );
    return rows[0]?.id ?? '';
  }

  test('applying the migrations again changes nothing', async () => {
    expect(await migrate(pool, await loadMigrations(migrationsDir('trading')))).toEqual({
      applied: [],
      current: '007',
    });
  });

  test('the view column follows every write of the order, canonical decimals and ISO times', async () => {
    const created = new Date('2026-03-04T05:06:07.891Z');
    const id = await insertOrder({
      quantity: '2.50',
      leaves_qty: '2.50',
      created_at: created,
      updated_at: created,
    });
    const view = async () =>
      JSON.parse((await pool.query('SELECT view FROM orders WHERE id = $1', [id])).rows[0].view);
    expect(await view()).toMatchObject({
      id,
      quantity: '2.5',
      leavesQty: '2.5',
      cumQty: '0',
      avgPrice: null,
      limitPrice: null,
      status: 'PendingNew',
      createdAt: '2026-03-04T05:06:07.891Z',
    });
    await pool.query(
      `UPDATE orders SET status = 'Filled', cum_qty = 2.5, leaves_qty = 0, cum_notional = 250.25,
              avg_px = 100.1, updated_at = '2026-03-04T05:06:08.123456Z' WHERE id = $1`,
      [id],
    );
    expect(await view()).toMatchObject({
      status: 'Filled',
      cumQty: '2.5',
      leavesQty: '0',
      avgPrice: '100.1',
      updatedAt: '2026-03-04T05:06:08.123Z',
    });
    // Writes of columns the view does not show leave it alone; any shown column rebuilds it.
    await pool.query(`UPDATE orders SET view = 'stale', claimed_at = now() WHERE id = $1`, [id]);
    expect((await pool.query('SELECT view FROM orders WHERE id = $1', [id])).rows[0].view).toBe(
      'stale',
    );
    await pool.query('UPDATE orders SET reason = reason WHERE id = $1', [id]);
    expect(await view()).toMatchObject({ id, status: 'Filled' });
  });

  test('ANALYZE builds statistics for the searched columns only (007)', async () => {
    await insertOrder({ quantity: '1', leaves_qty: '1' });
    await pool.query('ANALYZE orders');
    const { rows } = await pool.query<{ attname: string }>(
      `SELECT attname FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'orders'`,
    );
    const analyzed = rows.map((r) => r.attname);
    expect(analyzed).toEqual(expect.arrayContaining(['user_id', 'status', 'created_at']));
    expect(analyzed).not.toEqual(expect.arrayContaining(['view']));
    expect(analyzed).not.toEqual(expect.arrayContaining(['response_body']));
    expect(await columnsWithoutStatistics(pool, ['orders', 'audit_log', 'outbox'])).toEqual({
      audit_log: ['entry', 'hash', 'prev_hash'],
      orders: ['request_hash', 'response_body', 'view'],
      outbox: ['last_error', 'payload'],
    });
  });

  test("the reconciler's query for unanswered claims uses an index, not a scan", async () => {
    // Scans disabled: the question is whether an index serves the query at all, whatever
    // the planner prefers for this test's handful of rows.
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM orders
          WHERE response_status IS NULL AND claimed_at < now() - make_interval(secs => 5)
          ORDER BY claimed_at LIMIT 50`,
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('orders_unanswered');
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });

  test('numeric keeps exact decimals: 0.1 + 0.2 = 0.3', async () => {
    const id = await insertOrder({ quantity: '0.3', leaves_qty: '0.3' });
    const { rows } = await pool.query<{ ok: boolean; q: string; sum: string }>(
      `SELECT quantity = '0.1'::numeric + '0.2'::numeric AS ok, quantity::text AS q,
              ('0.1'::numeric(38,18) + '0.2'::numeric(38,18))::text AS sum
         FROM orders WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({ ok: true, q: '0.300000000000000000', sum: '0.300000000000000000' });
  });

  test('an idempotency key is unique per user, not globally', async () => {
    await insertOrder({ user_id: 'alice', idempotency_key: 'same' });
    await expect(insertOrder({ user_id: 'alice', idempotency_key: 'same' })).rejects.toMatchObject({
      code: '23505',
      constraint: 'orders_user_idempotency_key',
    });
    await expect(insertOrder({ user_id: 'bob', idempotency_key: 'same' })).resolves.toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  test.each([
    [
      'a zero quantity',
      { quantity: '0', leaves_qty: '0', status: 'Filled' },
      '23514',
      'orders_quantity_check',
    ],
    ['a limit order without a price', { type: 'limit' }, '23514', 'orders_limit_price_iff_limit'],
    ['a market order with a price', { limit_price: '1' }, '23514', 'orders_limit_price_iff_limit'],
    [
      'an overfill',
      { status: 'Canceled', cum_qty: '11', leaves_qty: '0', avg_px: '1' },
      '23514',
      'orders_no_overfill',
    ],
    [
      'live quantities that do not add up',
      { status: 'New', cum_qty: '0', leaves_qty: '9' },
      '23514',
      'orders_quantities_add_up',
    ],
    [
      'a terminal order with leaves',
      { status: 'Canceled', cum_qty: '1', leaves_qty: '9', avg_px: '1' },
      '23514',
      'orders_quantities_add_up',
    ],
    [
      'Filled with quantity left',
      { status: 'Canceled', cum_qty: '10', leaves_qty: '0', avg_px: '1' },
      '23514',
      'orders_filled_iff_complete',
    ],
    ['an average price without fills', { avg_px: '1' }, '23514', 'orders_avg_px_iff_filled_some'],
    ['an unknown status', { status: 'Done' }, '23514', 'orders_status_check'],
    ['a bad request hash', { request_hash: 'xyz' }, '23514', 'orders_request_hash_check'],
    ['half a stored response', { response_status: 201 }, '23514', 'orders_response_complete'],
  ])('refuses %s', async (_name, fields, code, constraint) => {
    await expect(insertOrder(fields)).rejects.toMatchObject({ code, constraint });
  });

  test('a legal partially filled order is stored exactly', async () => {
    const id = await insertOrder({
      status: 'PartiallyFilled',
      quantity: '3',
      cum_qty: '1.5',
      leaves_qty: '1.5',
      cum_notional: '150.000000000000000000123',
      avg_px: '100.000000000000000000',
    });
    const { rows } = await pool.query('SELECT cum_notional::text AS n FROM orders WHERE id = $1', [
      id,
    ]);
    // Plain numeric keeps a notional's full scale; numeric(38,18) would have rounded it.
    expect(rows[0]).toEqual({ n: '150.000000000000000000123' });
  });

  test('an exec id is applied once', async () => {
    const id = await insertOrder();
    await pool.query(
      `INSERT INTO executions (exec_id, order_id, quantity, price) VALUES ('x/1', $1, '1', '2')`,
      [id],
    );
    await expect(
      pool.query(
        `INSERT INTO executions (exec_id, order_id, quantity, price) VALUES ('x/1', $1, '1', '2')`,
        [id],
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'executions_pkey' });
  });

  test('a hash chain written by the domain round-trips through jsonb and verifies', async () => {
    const records: AuditRecord[] = [];
    for (const to of ['PendingNew', 'New', 'PartiallyFilled', 'Filled']) {
      const record = appendAudit(records.at(-1), {
        orderId: 'o1',
        to,
        at: '2026-01-01T00:00:00.000Z',
        qty: '0.1',
        n: 3,
      });
      records.push(record);
      await pool.query(
        'INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry) VALUES ($1, $2, $3, $4, $5)',
        ['user:u1', record.seq, record.prevHash, record.hash, record.entry],
      );
    }
    const { rows } = await pool.query<{
      seq: string;
      prev_hash: string;
      hash: string;
      entry: AuditRecord['entry'];
    }>(`SELECT seq, prev_hash, hash, entry FROM audit_log WHERE chain_id = 'user:u1' ORDER BY seq`);
    const loaded = rows.map((r) => ({
      seq: Number(r.seq),
      prevHash: r.prev_hash,
      hash: r.hash,
      entry: r.entry,
    }));
    expect(verifyAuditChain(loaded)).toEqual({ ok: true, count: 4, headHash: records[3]?.hash });
  });

  test('the audit log is append-only and cannot fork', async () => {
    const first = appendAudit(undefined, { orderId: 'o2' });
    await pool.query(
      'INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry) VALUES ($1, $2, $3, $4, $5)',
      ['user:u2', first.seq, first.prevHash, first.hash, first.entry],
    );
    await expect(
      pool.query(`UPDATE audit_log SET entry = '{}' WHERE chain_id = 'user:u2'`),
    ).rejects.toMatchObject({
      code: '23001',
      message: 'audit_log is append-only (UPDATE refused)',
    });
    await expect(
      pool.query(`DELETE FROM audit_log WHERE chain_id = 'user:u2'`),
    ).rejects.toMatchObject({ code: '23001' });
    await expect(pool.query('TRUNCATE audit_log')).rejects.toMatchObject({ code: '23001' });
    // A second writer that read the same head tries to append seq 2 on the same prev hash.
    const a = appendAudit(first, { writer: 'a' });
    const b = appendAudit(first, { writer: 'b' });
    const insert = (r: AuditRecord) =>
      pool.query(
        'INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry) VALUES ($1, $2, $3, $4, $5)',
        ['user:u2', r.seq, r.prevHash, r.hash, r.entry],
      );
    await insert(a);
    await expect(insert(b)).rejects.toMatchObject({ code: '23505' });
    await expect(insert({ ...b, seq: 3 })).rejects.toMatchObject({
      code: '23505',
      constraint: 'audit_log_no_fork',
    });
  });

  test('outbox: two relays claim disjoint unpublished rows with SKIP LOCKED', async () => {
    for (let i = 0; i < 6; i += 1) {
      await pool.query(
        `INSERT INTO outbox (topic, key, payload) VALUES ('OrderAccepted', $1, $2)`,
        [`o${i}`, { i }],
      );
    }
    const claim =
      'SELECT id FROM outbox WHERE published_at IS NULL ORDER BY created_at LIMIT 4 FOR UPDATE SKIP LOCKED';
    const r1 = await pool.connect();
    const r2 = await pool.connect();
    try {
      await r1.query('BEGIN');
      await r2.query('BEGIN');
      const a = (await r1.query<{ id: string }>(claim)).rows.map((r) => r.id);
      const b = (await r2.query<{ id: string }>(claim)).rows.map((r) => r.id);
      expect(a.length).toBe(4);
      expect(b.length).toBe(2);
      expect(a.filter((id) => b.includes(id))).toEqual([]);
      await r1.query(
        'UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1)',
        [a],
      );
      await r1.query('COMMIT');
      await r2.query('ROLLBACK');
    } finally {
      r1.release();
      r2.release();
    }
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
    );
    expect(rows[0]).toEqual({ n: 2 });
    const index = await pool.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'outbox_unpublished'`,
    );
    expect(index.rows[0]?.indexdef).toBe(
      'CREATE INDEX outbox_unpublished ON public.outbox USING btree (created_at) WHERE (published_at IS NULL)',
    );
  });

  test('a consumer records an event once', async () => {
    const id = '6f1c1f8e-8e0f-4c47-9d55-7b1a8d0c2a11';
    await pool.query(`INSERT INTO processed_events (consumer, event_id) VALUES ('positions', $1)`, [
      id,
    ]);
    await expect(
      pool.query(`INSERT INTO processed_events (consumer, event_id) VALUES ('positions', $1)`, [
        id,
      ]),
    ).rejects.toMatchObject({
      code: '23505',
    });
    await pool.query(`INSERT INTO processed_events (consumer, event_id) VALUES ('audit', $1)`, [
      id,
    ]);
    const ins = await pool.query(
      `INSERT INTO processed_events (consumer, event_id) VALUES ('positions', $1) ON CONFLICT DO NOTHING`,
      [id],
    );
    expect(ins.rowCount).toBe(0);
  });

  test('positions keep signed quantities and an exact cost basis', async () => {
    await pool.query(
      `INSERT INTO positions (user_id, symbol, quantity, cost_basis, avg_cost, realized_pnl) VALUES ('u1', 'BTC-USD', '-0.00003', '-1.9500015', '65000.05', '0.1')`,
    );
    await expect(
      pool.query(
        `INSERT INTO positions (user_id, symbol, quantity, avg_cost) VALUES ('u1', 'ETH-USD', '0', '1')`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'positions_avg_cost_iff_open' });
    const { rows } = await pool.query(
      `SELECT quantity::text AS q, cost_basis::text AS c FROM positions WHERE symbol = 'BTC-USD'`,
    );
    expect(rows[0]).toEqual({ q: '-0.000030000000000000', c: '-1.9500015' });
  });
});
