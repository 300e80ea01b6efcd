import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { createTestIdentity, TEST_AUDIENCE, TEST_ISSUER } from '../../test/support/identity.js';
import { parseConfig } from '../platform/index.js';
import { uuidv7Time } from '../platform/ids.js';
import { build, definition } from './app.js';
import { createService } from '../platform/index.js';
import { createPgBossBus, eventsPlugin } from '../platform/events/index.js';
import { configSchema, type Config } from './config.js';
import { clientOrderIdFor } from './orders/client-order-id.js';
import { readOrderPage } from './orders/order-pages.js';
import { parseOrderRequest } from './domain/order-request.js';
import { claimOrders } from './store/order-claim.js';
import {
  FILL_PRICE,
  QUOTE,
  startFakeUpstreams,
  type FakeUpstreams,
} from './testing/fake-upstreams.js';
import { until } from '../../test/support/until.js';

function parseOrderRequestOrThrow(body: unknown) {
  const parsed = parseOrderRequest(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.order;
}

const identity = createTestIdentity();
const alice = { id: `alice-${randomUUID()}` };
const bob = { id: `bob-${randomUUID()}` };
const auth = (user: { id: string }) => ({ authorization: `Bearer ${identity.accessToken(user)}` });

describe.skipIf(!ADMIN_DATABASE_URL)(
  'trading orders (real PostgreSQL, fake risk and broker)',
  () => {
    let db: TestDatabase;
    let busDb: TestDatabase;
    let app: FastifyInstance;
    let fake: FakeUpstreams;
    let pool: pg.Pool;
    let config: Config;

    beforeAll(async () => {
      [db, busDb, fake] = await Promise.all([
        createTestDatabase('trading'),
        createTestDatabase('trading_bus'),
        startFakeUpstreams(),
      ]);
      config = parseConfig(configSchema, {
        SERVICE_NAME: 'trading',
        PORT: 0,
        LOG_LEVEL: 'silent',
        DATABASE_URL: db.url,
        BUS_DATABASE_URL: busDb.url,
        AUTH_URL: 'http://127.0.0.1:1',
        RISK_URL: fake.riskUrl,
        BROKER_URL: fake.brokerUrl,
        JWT_ISSUER: TEST_ISSUER,
        JWT_AUDIENCE: TEST_AUDIENCE,
        SERVICE_CREDENTIAL: 'c'.repeat(43),
      });
      app = await build(config, {
        logger: false,
        keys: identity.keys,
        serviceTokens: { getToken: async (aud) => identity.serviceToken('trading', aud) },
      });
      await app.ready();
      pool = new pg.Pool({ connectionString: db.url, max: 2 });
    });
    afterAll(async () => {
      await app?.close();
      await pool?.end();
      await fake?.close();
      await db?.drop();
      await busDb?.drop();
    });
    beforeEach(() => {
      fake.risk.mode = 'approve';
      fake.broker.mode = 'fill';
    });

    const market = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' };
    function place(body: unknown, key: string | null = randomUUID(), user = alice) {
      return app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { ...auth(user), ...(key !== null && { 'idempotency-key': key }) },
        payload: body as Record<string, unknown>,
      });
    }
    async function count(sql: string, params: unknown[] = []): Promise<number> {
      const { rows } = await pool.query<{ n: number }>(sql, params);
      return rows[0]!.n;
    }
    const ordersWithKey = (key: string) =>
      count('SELECT count(*)::int AS n FROM orders WHERE idempotency_key = $1', [key]);

    test('without a token: 401', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: market });
      expect(res.statusCode).toBe(401);
    });

    test('without Idempotency-Key: 400 ALP_ORDERS_IDEMPOTENCY_KEY_MISSING, nothing created', async () => {
      const before = await count('SELECT count(*)::int AS n FROM orders');
      const res = await place(market, null);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ALP_ORDERS_IDEMPOTENCY_KEY_MISSING', status: 400 });
      expect(await count('SELECT count(*)::int AS n FROM orders')).toBe(before);
    });

    test('a JSON number for a quantity is 400 and does not use up the key', async () => {
      const key = randomUUID();
      const res = await place({ ...market, quantity: 10 }, key);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'ALP_ORDERS_INVALID',
        problems: [{ field: 'quantity', code: 'ALP_ORDERS_DECIMAL_NOT_STRING' }],
      });
      expect(await ordersWithKey(key)).toBe(0);
      expect((await place(market, key)).statusCode).toBe(201);
    });

    test('a market buy is risk-checked at the ask, filled, and leaves a position, events and audit', async () => {
      const key = randomUUID();
      const placedAt = Date.now();
      const res = await place(market, key);
      expect(res.statusCode).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      const order = res.json();
      // The order id is a UUIDv7 of its creation time (its indexes grow at their end).
      expect(uuidv7Time(order.id)).toBeGreaterThanOrEqual(placedAt);
      expect(uuidv7Time(order.id)).toBeLessThanOrEqual(Date.now());
      const cid = clientOrderIdFor(alice.id, key);
      expect(order).toMatchObject({
        clientOrderId: cid,
        symbol: 'AAPL',
        side: 'buy',
        type: 'market',
        quantity: '10',
        limitPrice: null,
        status: 'Filled',
        cumQty: '10',
        leavesQty: '0',
        avgPrice: FILL_PRICE,
        reason: null,
      });
      expect(fake.risk.calls.at(-1)).toEqual({
        userId: alice.id,
        orderId: order.id,
        symbol: 'AAPL',
        side: 'buy',
        quantity: '10',
        price: QUOTE.ask,
      });
      expect(fake.broker.orders.at(-1)).toEqual({
        userId: alice.id,
        clientOrderId: cid,
        symbol: 'AAPL',
        side: 'buy',
        type: 'market',
        quantity: '10',
      });

      const audit = await app.inject({
        url: `/api/v1/orders/${order.id}/audit`,
        headers: auth(alice),
      });
      expect(audit.statusCode).toBe(200);
      const chain = audit.json();
      expect(chain.verification).toMatchObject({ ok: true, count: 3 });
      expect(
        chain.entries.map((e: { entry: { from: string; to: string } }) => [
          e.entry.from,
          e.entry.to,
        ]),
      ).toEqual([
        [null, 'PendingNew'],
        ['PendingNew', 'New'],
        ['New', 'Filled'],
      ]);

      const { rows: events } = await pool.query<{
        id: string;
        topic: string;
        payload: Record<string, unknown>;
      }>(`SELECT id, topic, payload FROM outbox WHERE key = $1 ORDER BY created_at, topic`, [
        order.id,
      ]);
      expect(events.map((e) => e.topic).sort()).toEqual(['OrderAccepted', 'OrderFilled']);
      // Event ids too (the outbox, the bus's jobs and consumers' processed ids grow at the end).
      for (const e of events) expect(uuidv7Time(e.id)).toBeGreaterThanOrEqual(placedAt);
      expect(events.find((e) => e.topic === 'OrderFilled')!.payload).toMatchObject({
        orderId: order.id,
        userId: alice.id,
        execId: `${cid}/1`,
        fillQty: '10',
        fillPrice: FILL_PRICE,
        status: 'Filled',
      });
      const { rows: execs } = await pool.query(
        `SELECT exec_id, quantity::text, price::text, fee::text FROM executions WHERE order_id = $1`,
        [order.id],
      );
      expect(execs).toEqual([
        {
          exec_id: `${cid}/1`,
          quantity: '10.000000000000000000',
          price: '100.500000000000000000',
          fee: '0.250000000000000000',
        },
      ]);
      // The relay publishes what the order produced.
      await until('the outbox to drain', async () =>
        (await count(
          'SELECT count(*)::int AS n FROM outbox WHERE key = $1 AND published_at IS NULL',
          [order.id],
        )) === 0
          ? true
          : undefined,
      );
      const positions = await app.inject({ url: '/api/v1/positions', headers: auth(alice) });
      expect(positions.json().items).toContainEqual(
        expect.objectContaining({ symbol: 'AAPL', avgCost: FILL_PRICE }),
      );
    });

    test('same key and body replays the stored answer and creates nothing; other body is 422', async () => {
      const key = randomUUID();
      const first = await place(market, key);
      const brokerCalls = fake.broker.orders.length;
      const reordered = { quantity: '10', type: 'market', side: 'buy', symbol: 'AAPL' };
      const again = await place(reordered, key);
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      expect(fake.broker.orders.length).toBe(brokerCalls);
      expect(await ordersWithKey(key)).toBe(1);

      const other = await place({ ...market, quantity: '11' }, key);
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: 'ALP_ORDERS_IDEMPOTENCY_KEY_REUSED' });
      // Keys are per user: bob may use alice's key for his own order.
      const bobs = await place(market, key, bob);
      expect(bobs.statusCode).toBe(201);
      expect(bobs.json().id).not.toBe(first.json().id);
    });

    test('concurrent duplicates wait and replay: one order, one broker call', async () => {
      const key = randomUUID();
      const before = fake.broker.orders.length;
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => place(market, key)));
      expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length).toBe(4);
      expect(fake.broker.orders.length - before).toBe(1);
      expect(await ordersWithKey(key)).toBe(1);
    });

    test('orders placed together are risk-checked together: fewer calls, one verdict each', async () => {
      const batchesBefore = fake.risk.batches.length;
      const callsBefore = fake.risk.calls.length;
      const answers = await Promise.all(Array.from({ length: 12 }, () => place(market)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(201));
      expect(fake.risk.calls.length - callsBefore).toBe(12);
      // A lone check takes the single route; the others shared batches: fewer calls than orders.
      const batches = fake.risk.batches.slice(batchesBefore);
      const alone = 12 - batches.reduce((a, b) => a + b, 0);
      expect(Math.max(...batches)).toBeGreaterThan(1);
      expect(batches.length + alone).toBeLessThan(12);
      // Each order got its own verdict: every one was sent on to the broker under its own id.
      const ids = fake.risk.calls.slice(callsBefore).map((c) => c.orderId);
      expect(new Set(ids).size).toBe(12);
      expect(new Set(answers.map((a) => a.json().id))).toEqual(new Set(ids));
      // And sent to the broker together: each filled under its own client order id.
      expect(answers.every((a) => a.json().status === 'Filled')).toBe(true);
      expect(fake.broker.batches.length).toBeGreaterThan(0);
      // The batch sizes are a metric: every order went through each kind of batch once.
      const metrics = (await app.inject({ url: '/metrics' })).body;
      for (const batch of ['order-claims', 'risk-checks', 'broker-orders', 'order-outcomes']) {
        const sum = metrics.match(
          new RegExp(`batch_size_sum\\{[^}]*batch="${batch}"[^}]*\\} (\\d+)`),
        );
        expect(Number(sum?.[1])).toBeGreaterThanOrEqual(12);
      }
    });

    test('fills that finish in one batch all reach the position (no lost update) and the audit', async () => {
      const carol = { id: `carol-${randomUUID()}` };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          place({ ...market, symbol: 'TSLA', quantity: '3' }, randomUUID(), carol),
        ),
      );
      expect(answers.map((a) => a.json().status)).toEqual(Array(10).fill('Filled'));
      const positions = await app.inject({ url: '/api/v1/positions', headers: auth(carol) });
      expect(positions.json().items).toEqual([
        expect.objectContaining({ symbol: 'TSLA', quantity: '30', avgCost: FILL_PRICE }),
      ]);
      // Every order's chain holds its three entries: created, accepted, filled.
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE chain_id = ANY($1::text[])`,
        [answers.map((a) => a.json().id)],
      );
      expect(rows[0]!.n).toBe(30);
    });

    test('a claim that fails in the database fails alone; the rest of its batch is claimed', async () => {
      const input = (key: string, symbol = 'AAPL') => ({
        userId: alice.id,
        idempotencyKey: key,
        clientOrderId: clientOrderIdFor(alice.id, key),
        requestHash: 'a'.repeat(64),
        order: { ...parseOrderRequestOrThrow(market), symbol },
      });
      const [k1, k2, k3] = [randomUUID(), randomUUID(), randomUUID()];
      // Longer than the orders table allows: only the store sees it (the route refuses it).
      const outcomes = await claimOrders(app.pg, [
        input(k1),
        input(k2, 'X'.repeat(21)),
        input(k1),
        input(k3),
      ]);
      expect(
        outcomes.map((o) => (o.ok ? (o.value.created ? 'created' : 'existing') : 'failed')),
      ).toEqual(['created', 'failed', 'existing', 'created']);
      expect(await ordersWithKey(k1)).toBe(1);
      expect(await ordersWithKey(k3)).toBe(1);
      // One statement for a healthy batch: a key repeated in it is created once.
      const [k4, k5] = [randomUUID(), randomUUID()];
      const again = await claimOrders(app.pg, [input(k4), input(k4), input(k5)]);
      expect(again.map((o) => o.ok && (o.value.created ? 'created' : 'existing'))).toEqual([
        'created',
        'existing',
        'created',
      ]);
      expect(again[1]!.ok && again[0]!.ok && again[1]!.value.row.id).toBe(
        again[0]!.ok && again[0]!.value.row.id,
      );
    });

    test('a batch risk refuses whole is asked again check by check', async () => {
      fake.risk.mode = 'refuse-batches';
      const callsBefore = fake.risk.calls.length;
      const answers = await Promise.all(Array.from({ length: 6 }, () => place(market)));
      expect(answers.map((a) => a.json().status)).toEqual(Array(6).fill('Filled'));
      expect(fake.risk.calls.length - callsBefore).toBe(6);
    });

    test('a batch the broker refuses whole is sent again order by order', async () => {
      fake.broker.mode = 'refuse-batches';
      const sentBefore = fake.broker.orders.length;
      const answers = await Promise.all(Array.from({ length: 6 }, () => place(market)));
      expect(answers.map((a) => a.json().status)).toEqual(Array(6).fill('Filled'));
      // Every order reached the single route once.
      expect(fake.broker.orders.length - sentBefore).toBe(6);
    });

    test('a quote the broker marks valid until the next step prices later orders without a call', async () => {
      const symbol = 'NVDA';
      const before = fake.broker.quoteCalls.filter((s) => s === symbol).length;
      fake.broker.quotesValidUntil = new Date(Date.now() + 60_000).toISOString();
      try {
        for (let i = 0; i < 3; i++) {
          expect((await place({ ...market, symbol })).statusCode).toBe(201);
        }
        expect(fake.broker.quoteCalls.filter((s) => s === symbol).length - before).toBe(1);
        expect(fake.risk.calls.slice(-3).map((c) => c.price)).toEqual(['100.5', '100.5', '100.5']);
      } finally {
        delete fake.broker.quotesValidUntil;
      }
      // Without validUntil (a hand-stepped clock) every order asks again.
      const other = 'AMZN';
      await place({ ...market, symbol: other });
      await place({ ...market, symbol: other });
      expect(fake.broker.quoteCalls.filter((s) => s === other)).toHaveLength(2);
    });

    test('risk refuses (kill switch): Rejected with risk code, broker never called', async () => {
      fake.risk.mode = 'reject';
      const before = fake.broker.orders.length;
      const res = await place(market);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        status: 'Rejected',
        reason: 'ALP_RISK_KILL_SWITCH',
        leavesQty: '0',
      });
      expect(fake.broker.orders.length).toBe(before);
      const { rows } = await pool.query(`SELECT topic FROM outbox WHERE key = $1`, [res.json().id]);
      expect(rows).toEqual([{ topic: 'OrderRejected' }]);
    });

    test('risk unreachable: fail closed, Rejected ALP_ORDERS_RISK_UNAVAILABLE', async () => {
      fake.risk.mode = 'down';
      const res = await place(market);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        status: 'Rejected',
        reason: 'ALP_ORDERS_RISK_UNAVAILABLE',
      });
    });

    test('broker refuses: Rejected with the broker code', async () => {
      fake.broker.mode = 'reject';
      const res = await place(market);
      expect(res.json()).toMatchObject({
        status: 'Rejected',
        reason: 'ALP_BROKER_INSUFFICIENT_FUNDS',
      });
    });

    test('broker down: 503, order stays PendingNew; the retry with the same key finishes it', async () => {
      const key = randomUUID();
      fake.broker.mode = 'down';
      const res = await place(market, key);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ code: 'ALP_ORDERS_BROKER_UNAVAILABLE' });
      const { rows } = await pool.query('SELECT status FROM orders WHERE idempotency_key = $1', [
        key,
      ]);
      expect(rows).toEqual([{ status: 'PendingNew' }]);
      fake.broker.mode = 'fill';
      const retry = await place(market, key);
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      expect(retry.json()).toMatchObject({ status: 'Filled', cumQty: '10' });
      const sent = fake.broker.orders.filter(
        (o) => o.clientOrderId === clientOrderIdFor(alice.id, key),
      );
      expect(sent.length).toBe(2);
      expect(await ordersWithKey(key)).toBe(1);
    });

    test('a new order asks the broker nothing before sending it (no lookup on the hot path)', async () => {
      const before = fake.broker.lookups.length;
      expect((await place(market)).json()).toMatchObject({ status: 'Filled' });
      expect(fake.broker.lookups.length).toBe(before);
    });

    test('the broker took the order but its answer was lost: the retry finishes it from the broker, even with risk down', async () => {
      const key = randomUUID();
      const cid = clientOrderIdFor(alice.id, key);
      fake.broker.mode = 'lost-answer';
      const first = await place(market, key);
      expect(first.statusCode).toBe(503);
      expect(first.json()).toMatchObject({ code: 'ALP_ORDERS_BROKER_UNAVAILABLE' });
      fake.broker.mode = 'fill';
      fake.risk.mode = 'down';
      const riskCalls = fake.risk.calls.length;
      const retry = await place(market, key);
      expect(retry.statusCode).toBe(201);
      expect(retry.json()).toMatchObject({ status: 'Filled', cumQty: '10', reason: null });
      expect(fake.broker.lookups).toContain(cid);
      // Finished from the broker's record: risk was not asked again, nothing sent twice.
      expect(fake.risk.calls.length).toBe(riskCalls);
      expect(fake.broker.orders.filter((o) => o.clientOrderId === cid).length).toBe(1);
    });

    test('a resumed order the broker never saw is never rejected for want of risk: 503, then filled once risk answers', async () => {
      const key = randomUUID();
      fake.broker.mode = 'down';
      expect((await place(market, key)).statusCode).toBe(503);
      fake.broker.mode = 'fill';
      fake.risk.mode = 'down';
      const resumed = await place(market, key);
      expect(resumed.statusCode).toBe(503);
      expect(resumed.headers['retry-after']).toBe('1');
      expect(resumed.json()).toMatchObject({ code: 'ALP_ORDERS_CHECK_UNAVAILABLE' });
      const { rows } = await pool.query('SELECT status FROM orders WHERE idempotency_key = $1', [
        key,
      ]);
      expect(rows).toEqual([{ status: 'PendingNew' }]);
      fake.risk.mode = 'approve';
      const retry = await place(market, key);
      expect(retry.statusCode).toBe(201);
      expect(retry.json()).toMatchObject({ status: 'Filled' });
    });

    test('a resumed order whose broker cannot be asked stays PendingNew (503), nothing decided', async () => {
      const key = randomUUID();
      fake.broker.mode = 'down';
      expect((await place(market, key)).statusCode).toBe(503);
      const riskCalls = fake.risk.calls.length;
      const resumed = await place(market, key);
      expect(resumed.statusCode).toBe(503);
      expect(resumed.json()).toMatchObject({ code: 'ALP_ORDERS_BROKER_UNAVAILABLE' });
      expect(fake.risk.calls.length).toBe(riskCalls);
      const { rows } = await pool.query('SELECT status FROM orders WHERE idempotency_key = $1', [
        key,
      ]);
      expect(rows).toEqual([{ status: 'PendingNew' }]);
    });

    test('the reconciler finishes an order whose client never retried', async () => {
      const key = randomUUID();
      fake.broker.mode = 'down';
      expect((await place(market, key)).statusCode).toBe(503);
      fake.broker.mode = 'fill';
      const settled = await until('the reconciler', async () => {
        const { rows } = await pool.query<{ status: string; response_status: number | null }>(
          'SELECT status, response_status FROM orders WHERE idempotency_key = $1',
          [key],
        );
        return rows[0]?.response_status === 201 ? rows[0] : undefined;
      });
      expect(settled).toEqual({ status: 'Filled', response_status: 201 });
      const replay = await place(market, key);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toMatchObject({ status: 'Filled' });
    });

    test('a limit order rests (checked at its limit price), cancels once, then 409', async () => {
      const res = await place({
        symbol: 'MSFT',
        side: 'sell',
        type: 'limit',
        quantity: '2.5',
        limitPrice: '410.10',
      });
      expect(res.statusCode).toBe(201);
      const order = res.json();
      expect(order).toMatchObject({ status: 'New', limitPrice: '410.1', leavesQty: '2.5' });
      expect(fake.risk.calls.at(-1)).toMatchObject({ price: '410.1', side: 'sell' });
      const cancel = await app.inject({
        method: 'POST',
        url: `/api/v1/orders/${order.id}/cancel`,
        headers: auth(alice),
      });
      expect(cancel.statusCode).toBe(200);
      expect(cancel.json()).toMatchObject({ status: 'Canceled', leavesQty: '0', cumQty: '0' });
      const again = await app.inject({
        method: 'POST',
        url: `/api/v1/orders/${order.id}/cancel`,
        headers: auth(alice),
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'ALP_ORDERS_NOT_CANCELABLE' });
      const audit = await app.inject({
        url: `/api/v1/orders/${order.id}/audit`,
        headers: auth(alice),
      });
      expect(audit.json().entries.map((e: { entry: { to: string } }) => e.entry.to)).toEqual([
        'PendingNew',
        'New',
        'PendingCancel',
        'Canceled',
      ]);
    });

    test("another user's order is 404 for every route and verb", async () => {
      const order = (
        await place({ symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '1', limitPrice: '1' })
      ).json();
      const answers = await Promise.all([
        app.inject({ url: `/api/v1/orders/${order.id}`, headers: auth(bob) }),
        app.inject({ url: `/api/v1/orders/${order.id}/audit`, headers: auth(bob) }),
        app.inject({
          method: 'POST',
          url: `/api/v1/orders/${order.id}/cancel`,
          headers: auth(bob),
        }),
        app.inject({ url: '/api/v1/orders/not-a-uuid', headers: auth(bob) }),
      ]);
      expect(answers.map((a) => [a.statusCode, a.json().code])).toEqual([
        [404, 'ALP_ORDERS_NOT_FOUND'],
        [404, 'ALP_ORDERS_NOT_FOUND'],
        [404, 'ALP_ORDERS_NOT_FOUND'],
        [404, 'ALP_ORDERS_NOT_FOUND'],
      ]);
      const list = await app.inject({ url: '/api/v1/orders?limit=200', headers: auth(bob) });
      expect(list.json().items.map((o: { id: string }) => o.id)).not.toContain(order.id);
      const own = await app.inject({ url: `/api/v1/orders/${order.id}`, headers: auth(alice) });
      expect(own.json()).toMatchObject({ id: order.id, status: 'New' });
    });

    test('GET /api/v1/orders pages newest first with a cursor; the limit is clamped', async () => {
      const carol = { id: `carol-${randomUUID()}` };
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await place(market, randomUUID(), carol)).json().id);
      const first = await app.inject({ url: '/api/v1/orders?limit=2', headers: auth(carol) });
      expect(first.json().items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
      const next = first.json().nextCursor as string;
      const second = await app.inject({
        url: `/api/v1/orders?limit=2&cursor=${next}`,
        headers: auth(carol),
      });
      expect(second.json()).toMatchObject({ nextCursor: null });
      expect(second.json().items.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
      // A page that holds exactly what is left has no next page; a user with no orders gets [].
      const exact = await app.inject({ url: '/api/v1/orders?limit=3', headers: auth(carol) });
      expect(exact.json()).toMatchObject({ limit: 3, nextCursor: null });
      expect(exact.json().items.map((o: { id: string }) => o.id)).toEqual([...ids].reverse());
      const none = await app.inject({
        url: '/api/v1/orders',
        headers: auth({ id: `nobody-${randomUUID()}` }),
      });
      expect(none.json()).toEqual({ items: [], limit: 50, nextCursor: null });
      const clamped = await app.inject({
        url: '/api/v1/orders?limit=100000',
        headers: auth(carol),
      });
      expect(clamped.json().limit).toBe(200);
      const zero = await app.inject({ url: '/api/v1/orders?limit=0', headers: auth(carol) });
      expect(zero.json().limit).toBe(1);
      const bad = await app.inject({ url: '/api/v1/orders?cursor=nonsense', headers: auth(carol) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('ALP_ORDERS_CURSOR_INVALID');
    });

    test('pages asked for together are read in one statement, each request its own page', async () => {
      const erin = { id: `erin-${randomUUID()}` };
      const frank = { id: `frank-${randomUUID()}` };
      for (let i = 0; i < 3; i++) await place(market, randomUUID(), erin);
      await place(market, randomUUID(), frank);
      const cursor = (
        await app.inject({ url: '/api/v1/orders?limit=1', headers: auth(erin) })
      ).json().nextCursor as string;
      const asks = [
        { url: '/api/v1/orders?limit=2', who: erin },
        { url: `/api/v1/orders?limit=1&cursor=${cursor}`, who: erin },
        { url: '/api/v1/orders', who: frank },
        { url: '/api/v1/orders', who: { id: `nobody-${randomUUID()}` } },
        { url: '/api/v1/orders?limit=3', who: erin },
        // The same page again: read once with the first, and answered with the same bytes.
        { url: '/api/v1/orders?limit=2', who: erin },
      ];
      // Each page as it reads alone, then all of them at once.
      const alone = [];
      for (const a of asks)
        alone.push((await app.inject({ url: a.url, headers: auth(a.who) })).json());
      const pageBatches = async () => {
        const metrics = (await app.inject({ url: '/metrics' })).body;
        const read = (kind: string) =>
          Number(
            metrics.match(
              new RegExp(`batch_size_${kind}\\{[^}]*batch="order-pages"[^}]*\\} (\\d+)`),
            )?.[1],
          );
        return { batches: read('count'), pages: read('sum') };
      };
      const before = await pageBatches();
      const together = await Promise.all(
        asks.map((a) => app.inject({ url: a.url, headers: auth(a.who) })),
      );
      expect(together.map((t) => t.json())).toEqual(alone);
      expect(together.map((t) => t.json().items.length)).toEqual([2, 1, 1, 0, 3, 2]);
      const after = await pageBatches();
      expect(after.pages - before.pages).toBe(asks.length);
      expect(after.batches - before.batches).toBeLessThan(asks.length);
    });

    test('the same page asked for twice in one batch is read once and answers both', async () => {
      const hana = { id: `hana-${randomUUID()}` };
      const ivan = { id: `ivan-${randomUUID()}` };
      for (let i = 0; i < 3; i++) await place(market, randomUUID(), hana);
      await place(market, randomUUID(), ivan);
      const read = vi.spyOn(app.pg, 'query');
      try {
        // Submitted in one turn, so one batch: three distinct pages among six requests.
        const pages = await Promise.all([
          readOrderPage(app, { userId: hana.id, limit: 2 }),
          readOrderPage(app, { userId: ivan.id, limit: 2 }),
          readOrderPage(app, { userId: hana.id, limit: 2 }),
          readOrderPage(app, { userId: hana.id, limit: 3 }),
          readOrderPage(app, { userId: ivan.id, limit: 2 }),
          readOrderPage(app, { userId: hana.id, limit: 2 }),
        ]);
        const statements = read.mock.calls.filter(([sql]) => String(sql).includes('page.view'));
        expect(statements.map(([, params]) => (params as unknown[][])[0])).toEqual([
          [hana.id, ivan.id, hana.id],
        ]);
        const ids = (items: string) =>
          (JSON.parse(`[${items}]`) as { id: string }[]).map((o) => o.id);
        expect(pages.map((p) => ids(p.items).length)).toEqual([2, 1, 2, 3, 1, 2]);
        expect(ids(pages[2]!.items)).toEqual(ids(pages[0]!.items));
        expect(ids(pages[3]!.items).slice(0, 2)).toEqual(ids(pages[0]!.items));
        expect(pages[0]!.next).not.toBeNull();
        expect(pages[3]!.next).toBeNull();
      } finally {
        read.mockRestore();
      }
    });

    test('a page that breaks the batch statement fails alone; a crafted cursor is a 400', async () => {
      const gina = { id: `gina-${randomUUID()}` };
      await place(market, randomUUID(), gina);
      // Submitted in one turn, so one batch; the middle one names a time PostgreSQL refuses.
      const bad = { createdAt: 'not a time', id: randomUUID() };
      const outcomes = await Promise.allSettled([
        readOrderPage(app, { userId: gina.id, limit: 5 }),
        readOrderPage(app, { userId: gina.id, limit: 5, after: bad }),
        readOrderPage(app, { userId: gina.id, limit: 1 }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      // Through the route such a cursor never reaches PostgreSQL: 30 February is refused.
      const feb30 = Buffer.from(
        JSON.stringify(['2026-02-30T10:00:00.123456Z', randomUUID()]),
      ).toString('base64url');
      const refused = await app.inject({
        url: `/api/v1/orders?cursor=${feb30}`,
        headers: auth(gina),
      });
      expect([refused.statusCode, refused.json().code]).toEqual([400, 'ALP_ORDERS_CURSOR_INVALID']);
    });

    test('a list page and the single-order route give the same view of every order', async () => {
      const dave = { id: `dave-${randomUUID()}` };
      const ids: string[] = [];
      ids.push(
        (await place({ ...market, quantity: '0.000000000000000001' }, undefined, dave)).json().id,
      );
      ids.push((await place({ ...market, quantity: '12.5' }, undefined, dave)).json().id);
      const limit = {
        symbol: 'MSFT',
        side: 'sell',
        type: 'limit',
        quantity: '2.5',
        limitPrice: '410.10',
      };
      ids.push((await place(limit, undefined, dave)).json().id);
      const canceled = (await place(limit, undefined, dave)).json().id as string;
      ids.push(canceled);
      await app.inject({
        method: 'POST',
        url: `/api/v1/orders/${canceled}/cancel`,
        headers: auth(dave),
      });
      fake.risk.mode = 'reject';
      ids.push((await place(market, undefined, dave)).json().id);
      const list = await app.inject({ url: '/api/v1/orders', headers: auth(dave) });
      expect(list.headers['content-type']).toMatch(/^application\/json/);
      const items = list.json().items as { id: string }[];
      expect(items.map((o) => o.id)).toEqual([...ids].reverse());
      for (const item of items) {
        const one = await app.inject({ url: `/api/v1/orders/${item.id}`, headers: auth(dave) });
        expect(item).toEqual(one.json());
      }
      expect(new Set(items.map((o) => (o as { status?: string }).status))).toEqual(
        new Set(['Filled', 'New', 'Canceled', 'Rejected']),
      );
    });

    test('event housekeeping runs on its own: old published outbox rows and old event ids go, the rest stays', async () => {
      const day = 24 * 60 * 60 * 1000;
      const oldEvent = randomUUID();
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO outbox (topic, key, payload, created_at, published_at) VALUES
           ('OrderFilled', 'housekeeping', '{}', $1, $1),
           ('OrderFilled', 'housekeeping', '{}', now(), now()) RETURNING id`,
        [new Date(Date.now() - 8 * day)],
      );
      await pool.query(
        `INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ('trading', $1, $2)`,
        [oldEvent, new Date(Date.now() - 31 * day)],
      );
      // A second trading instance whose first sweep comes 10 ms after start.
      let scope: FastifyInstance | undefined;
      const other = await createService(
        {
          ...definition,
          routes: async (s) => {
            scope = s;
            await s.register(eventsPlugin, {
              handlers: { ExecutionReported: async () => {} },
              housekeeping: { firstAfterMs: 10 },
            });
          },
        },
        config,
        { logger: false, keys: identity.keys },
      );
      try {
        const gone = await until('the first sweep', async () => {
          const left = await pool.query(`SELECT 1 FROM processed_events WHERE event_id = $1`, [
            oldEvent,
          ]);
          return left.rowCount === 0 ? true : undefined;
        });
        expect(gone).toBe(true);
        const left = await pool.query<{ id: string }>(
          `SELECT id FROM outbox WHERE key = 'housekeeping' ORDER BY created_at`,
        );
        expect(left.rows).toEqual([{ id: rows[1]!.id }]);
        const metrics = await other.inject({ url: '/metrics' });
        expect(metrics.body).toMatch(/events_pruned_total\{[^}]*table="outbox"[^}]*\} [1-9]/);
        expect(await scope!.events.prune()).toEqual({ outbox: 0, processedEvents: 0 });
      } finally {
        await other.close();
      }
    });

    test('ExecutionReported from the bus fills a resting order once, however often it arrives', async () => {
      const key = randomUUID();
      const order = (
        await place(
          { symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '1', limitPrice: '50000' },
          key,
        )
      ).json();
      const broker = createPgBossBus({ connectionString: busDb.url, service: 'broker' });
      await broker.start();
      const cid = clientOrderIdFor(alice.id, key);
      const report = (execId: string, quantity: string) => ({
        id: randomUUID(),
        topic: 'ExecutionReported' as const,
        key: cid,
        source: 'broker' as const,
        occurredAt: new Date().toISOString(),
        payload: {
          clientOrderId: cid,
          userId: alice.id,
          execId,
          quantity,
          price: '49999.5',
          fee: '1',
          status: 'working',
        },
      });
      const first = report(`${cid}/1`, '0.4');
      // The same event twice, and the same execution under another event id.
      await broker.publish([first]);
      await broker.publish([first, report(`${cid}/1`, '0.4'), report(`${cid}/2`, '0.6')]);
      await broker.stop();
      const filled = await until('the fills', async () => {
        const res = await app.inject({ url: `/api/v1/orders/${order.id}`, headers: auth(alice) });
        return res.json().status === 'Filled' ? res.json() : undefined;
      });
      expect(filled).toMatchObject({ cumQty: '1', leavesQty: '0', avgPrice: '49999.5' });
      const metrics = (await app.inject({ url: '/metrics' })).body;
      expect(metrics).toMatch(
        /events_consumed_total\{topic="ExecutionReported",result="applied"[^}]*\} [1-9]/,
      );
      expect(metrics).toMatch(/events_published_total\{topic="OrderFilled"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/events_relay_lag_seconds\{[^}]*\} /);
      expect(
        await count('SELECT count(*)::int AS n FROM executions WHERE order_id = $1', [order.id]),
      ).toBe(2);
      const audit = await app.inject({
        url: `/api/v1/orders/${order.id}/audit`,
        headers: auth(alice),
      });
      expect(audit.json().verification).toMatchObject({ ok: true, count: 4 });
    });
  },
);
