import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  columnsWithoutStatistics,
  indexesOf,
  type TestDatabase,
} from '../../../test/support/database.js';
import { loadMigrations, migrate, migrationsDir } from '../../platform/index.js';
import { emptyExposure, reserveOrder, type SymbolExposure } from '../domain/exposure.js';
import { DEFAULT_RISK_LIMITS } from '../domain/limits.js';
import { EMPTY_RATE_WINDOW } from '../domain/order-rate.js';
import { checkOrder, type RiskDecision } from '../domain/risk-check.js';

describe.skipIf(!ADMIN_DATABASE_URL)('risk schema (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('risk');
    pool = new pg.Pool({ connectionString: db.url, max: 6 });
    expect((await migrate(pool, await loadMigrations(migrationsDir('risk')))).applied).toEqual([
      '001_init',
      '002_decisions',
      '003_drop_unread_indexes',
      '004_payload_statistics',
    ]);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function addLimits(userId: string, maxPositionQty: string): Promise<void> {
    await pool.query(
      `INSERT INTO risk_limits (user_id, max_order_notional, max_position_qty, max_daily_loss, max_orders_per_minute)
       VALUES ($1, '1000000', $2, '1000', 100)`,
      [userId, maxPositionQty],
    );
  }

  test('the tables a check writes carry only the indexes a query reads (003)', async () => {
    // Reservations are found by order id, decisions by order id: a by-user index on either
    // would be written on every order and read by nothing.
    expect(await indexesOf(pool, ['reservations', 'risk_decisions'])).toEqual({
      reservations: ['reservations_pkey'],
      risk_decisions: ['risk_decisions_pkey'],
    });
  });

  test('ANALYZE skips the bodies no query filters on (004)', async () => {
    expect(await columnsWithoutStatistics(pool, ['risk_decisions', 'outbox'])).toEqual({
      outbox: ['last_error', 'payload'],
      risk_decisions: ['decision'],
    });
  });

  test('the global kill switch exists and is off', async () => {
    const { rows } = await pool.query('SELECT scope, active, reason FROM kill_switch');
    expect(rows).toEqual([{ scope: 'global', active: false, reason: null }]);
    await expect(
      pool.query(`UPDATE kill_switch SET active = true WHERE scope = 'global'`),
    ).rejects.toMatchObject({
      code: '23514',
      constraint: 'kill_switch_reason_when_active',
    });
    await expect(
      pool.query(
        `INSERT INTO kill_switch (scope, active, changed_by) VALUES ('everyone', false, 'x')`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'kill_switch_scope_check' });
  });

  test('limits and exposure refuse impossible values; amounts stay exact', async () => {
    await addLimits('exact', '0.3');
    const { rows } = await pool.query<{ ok: boolean }>(
      `SELECT max_position_qty = '0.1'::numeric + '0.2'::numeric AS ok FROM risk_limits WHERE user_id = 'exact'`,
    );
    expect(rows[0]).toEqual({ ok: true });
    await expect(
      pool.query(
        `INSERT INTO exposures (user_id, symbol, open_buy_qty) VALUES ('exact', 'AAPL', '-1')`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'exposures_open_buy_qty_check' });
    await expect(
      pool.query(
        `INSERT INTO reservations (order_id, user_id, symbol, side, quantity, remaining) VALUES ('o', 'u', 'A', 'buy', '1', '2')`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'reservations_remaining_within' });
  });

  /**
   * The pre-trade pattern the service uses: lock the user's limit row, read exposure,
   * decide with the pure rules, record the reservation, commit.
   */
  async function check(
    client: pg.PoolClient,
    userId: string,
    orderId: string,
    quantity: string,
  ): Promise<RiskDecision> {
    await client.query('BEGIN');
    try {
      const limits = await client.query<{ max_position_qty: string }>(
        'SELECT max_position_qty::text FROM risk_limits WHERE user_id = $1 FOR UPDATE',
        [userId],
      );
      const row = await client.query<{
        position: string;
        cost_basis: string;
        open_buy_qty: string;
        open_sell_qty: string;
      }>(
        `SELECT position::text, cost_basis::text, open_buy_qty::text, open_sell_qty::text
           FROM exposures WHERE user_id = $1 AND symbol = 'AAPL'`,
        [userId],
      );
      const r = row.rows[0];
      const exposure: SymbolExposure = r
        ? {
            symbol: 'AAPL',
            position: r.position,
            costBasis: r.cost_basis,
            openBuyQty: r.open_buy_qty,
            openSellQty: r.open_sell_qty,
          }
        : emptyExposure('AAPL');
      // Let the other connection arrive while this one holds the lock.
      await client.query('SELECT pg_sleep(0.05)');
      const decision = checkOrder(
        { symbol: 'AAPL', side: 'buy', quantity, price: '1' },
        {
          limits: {
            ...DEFAULT_RISK_LIMITS,
            maxPositionQty: limits.rows[0]?.max_position_qty ?? '0',
          },
          killSwitch: { active: false, reason: null },
          exposure,
          daily: undefined,
          rate: EMPTY_RATE_WINDOW,
          nowMs: Date.now(),
        },
      );
      if (decision.approved) {
        const next = reserveOrder(exposure, 'buy', quantity);
        await client.query(
          `INSERT INTO exposures (user_id, symbol, open_buy_qty) VALUES ($1, 'AAPL', $2)
           ON CONFLICT (user_id, symbol) DO UPDATE SET open_buy_qty = EXCLUDED.open_buy_qty, updated_at = now()`,
          [userId, next.openBuyQty],
        );
        await client.query(
          `INSERT INTO reservations (order_id, user_id, symbol, side, quantity, remaining) VALUES ($1, $2, 'AAPL', 'buy', $3, $3)`,
          [orderId, userId, quantity],
        );
      }
      await client.query('COMMIT');
      return decision;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  }

  test('two concurrent orders on two connections cannot jointly exceed the position limit', async () => {
    await addLimits('racer', '100');
    const c1 = await pool.connect();
    const c2 = await pool.connect();
    try {
      const decisions = await Promise.all([
        check(c1, 'racer', 'o1', '60'),
        check(c2, 'racer', 'o2', '60'),
      ]);
      expect(decisions.filter((d) => d.approved)).toHaveLength(1);
      expect(decisions.find((d) => !d.approved)).toMatchObject({
        rule: 'max-position',
        code: 'ALP_RISK_POSITION_LIMIT_EXCEEDED',
      });
    } finally {
      c1.release();
      c2.release();
    }
    const { rows } = await pool.query(
      `SELECT open_buy_qty::text AS q FROM exposures WHERE user_id = 'racer'`,
    );
    expect(rows).toEqual([{ q: '60.000000000000000000' }]);
  });

  test('without the lock the same race would break the limit (why FOR UPDATE is needed)', async () => {
    await addLimits('locker', '100');
    const c1 = await pool.connect();
    const c2 = await pool.connect();
    try {
      await c1.query('BEGIN');
      await c1.query(`SELECT 1 FROM risk_limits WHERE user_id = 'locker' FOR UPDATE`);
      await c2.query('BEGIN');
      await expect(
        c2.query(`SELECT 1 FROM risk_limits WHERE user_id = 'locker' FOR UPDATE NOWAIT`),
      ).rejects.toMatchObject({
        code: '55P03',
      });
      await c2.query('ROLLBACK');
      await c1.query('COMMIT');
    } finally {
      c1.release();
      c2.release();
    }
  });

  test('processed events are recorded once per consumer', async () => {
    const id = '0b7e5d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    await pool.query(`INSERT INTO processed_events (consumer, event_id) VALUES ('exposure', $1)`, [
      id,
    ]);
    await expect(
      pool.query(`INSERT INTO processed_events (consumer, event_id) VALUES ('exposure', $1)`, [id]),
    ).rejects.toMatchObject({
      code: '23505',
    });
  });
});
