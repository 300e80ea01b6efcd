import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { loadMigrations, migrate, migrationsDir } from '../../platform/index.js';
import { inTransaction } from '../../platform/transaction.js';
import { verifyAuditChain } from '../domain/audit-chain.js';
import { parseOrderRequest } from '../domain/order-request.js';
import { loadAuditChain } from './audit-store.js';
import { applyReportsToOrders, type ApplyItem } from './order-apply.js';
import { claimOrder } from './order-claim.js';
import type { OrderRow } from './order-row.js';

describe.skipIf(!ADMIN_DATABASE_URL)(
  'applying reports to a batch of orders (real PostgreSQL)',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;

    beforeAll(async () => {
      db = await createTestDatabase('trading_apply');
      pool = new pg.Pool({ connectionString: db.url, max: 4 });
      await migrate(pool, await loadMigrations(migrationsDir('trading')));
    });
    afterAll(async () => {
      await pool?.end();
      await db?.drop();
    });

    async function newOrder(userId: string, quantity: string): Promise<OrderRow> {
      const parsed = parseOrderRequest({ symbol: 'AAPL', side: 'buy', type: 'market', quantity });
      if (!parsed.ok) throw new Error('bad order');
      const key = `k-${Math.random()}`;
      const claim = await claimOrder(pool, {
        userId,
        idempotencyKey: key,
        clientOrderId: `c-${key}`,
        requestHash: 'a'.repeat(64),
        order: parsed.order,
      });
      return claim.row;
    }

    const fill = (execId: string, quantity: string, price: string) =>
      ({ kind: 'fill', execId, quantity, price, fee: '0.01' }) as const;
    const item = (order: OrderRow, reports: ApplyItem['reports']): ApplyItem => ({
      order,
      reports,
      ctx: { actor: 'broker', storeResponse: true },
    });

    test('one statement per table: orders of one position add up, repeats change nothing, chains verify', async () => {
      const [o1, o2, o3] = [
        await newOrder('u-apply', '10'),
        await newOrder('u-apply', '6'),
        await newOrder('v-apply', '1'),
      ];
      const outcomes = await inTransaction(pool, (tx) =>
        applyReportsToOrders(tx, [
          item(o1, [{ kind: 'accepted' }, fill('e1', '4', '10')]),
          item(o2, [{ kind: 'accepted' }, fill('e2', '6', '20')]),
          // The same order again with the same fill: nothing new.
          item(o1, [fill('e1', '4', '10')]),
          item(o3, [{ kind: 'rejected', reason: 'ALP_RISK_MAX_POSITION' }]),
        ]),
      );
      // Events for the relay: OrderAccepted has no consumer, so it is written already published.
      expect(outcomes.map((o) => [o.row.status, o.row.cum_qty, o.events])).toEqual([
        ['PartiallyFilled', '4', 1],
        ['Filled', '6', 1],
        ['PartiallyFilled', '4', 0],
        ['Rejected', '0', 1],
      ]);
      // Every answer is stored once, with the state it ended in.
      expect(outcomes[0]!.row.response_body).toMatchObject({ status: 'PartiallyFilled' });

      const positions = await pool.query(
        `SELECT user_id, trim_scale(quantity)::text AS q, trim_scale(cost_basis)::text AS cost,
              trim_scale(avg_cost)::text AS avg FROM positions ORDER BY user_id`,
      );
      expect(positions.rows).toEqual([{ user_id: 'u-apply', q: '10', cost: '160', avg: '16' }]);
      const execs = await pool.query('SELECT exec_id FROM executions ORDER BY exec_id');
      expect(execs.rows).toEqual([{ exec_id: 'e1' }, { exec_id: 'e2' }]);
      const stored = await pool.query<{ id: string; status: string; response_status: number }>(
        'SELECT id, status, response_status FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id',
        [[o1.id, o2.id, o3.id]],
      );
      expect(new Map(stored.rows.map((r) => [r.id, [r.status, r.response_status]]))).toEqual(
        new Map([
          [o1.id, ['PartiallyFilled', 201]],
          [o2.id, ['Filled', 201]],
          [o3.id, ['Rejected', 201]],
        ]),
      );
      // created, accepted, filled (o1 partly): each chain links and verifies.
      for (const [order, length] of [
        [o1, 3],
        [o2, 3],
        [o3, 2],
      ] as const) {
        const chain = await loadAuditChain(pool, order.id);
        expect(chain).toHaveLength(length);
        expect(verifyAuditChain(chain)).toMatchObject({ ok: true, count: length });
      }
      const events = await pool.query<{ topic: string; n: number; for_relay: boolean }>(
        `SELECT topic, count(*)::int AS n, bool_and(published_at IS NULL) AS for_relay
           FROM outbox GROUP BY topic ORDER BY topic`,
      );
      expect(events.rows).toEqual([
        { topic: 'OrderAccepted', n: 2, for_relay: false },
        { topic: 'OrderFilled', n: 2, for_relay: true },
        { topic: 'OrderRejected', n: 1, for_relay: true },
      ]);
    });

    test('a missing order fails the whole batch (the caller then goes one by one)', async () => {
      const real = await newOrder('w-apply', '1');
      const ghost = { ...real, id: '00000000-0000-4000-8000-000000000000' };
      await expect(
        inTransaction(pool, (tx) =>
          applyReportsToOrders(tx, [item(real, [{ kind: 'accepted' }]), item(ghost, [])]),
        ),
      ).rejects.toThrow(`order ${ghost.id} does not exist`);
      const { rows } = await pool.query('SELECT status FROM orders WHERE id = $1', [real.id]);
      expect(rows).toEqual([{ status: 'PendingNew' }]);
    });
  },
);
