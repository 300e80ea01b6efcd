import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import {
  createTestIdentity,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestIdentity,
} from '../../test/support/identity.js';
import { dec, Dec } from '../platform/decimal.js';
import { parseConfig } from '../platform/index.js';
import { brokerContext, build } from './app.js';
import { PostgresPaperBroker } from './store/postgres-paper-broker.js';
import { configSchema } from './config.js';
import { DEFAULT_INSTRUMENTS } from './domain/instruments.js';
import { createMarket, quoteAt } from './domain/market-simulator.js';
import type { OrderAnswer } from './order-answer.js';

const START = '2026-01-01T00:00:00Z';

describe.skipIf(!ADMIN_DATABASE_URL)('broker service (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let id: TestIdentity;
  const configFor = (url: string, extra: Record<string, unknown> = {}) =>
    parseConfig(configSchema, {
      ALPHINTRA_PROFILE: 'test',
      SERVICE_NAME: 'broker',
      PORT: 0,
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      BUS_DATABASE_URL: url,
      AUTH_URL: 'http://127.0.0.1:1',
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      SERVICE_CREDENTIAL: 'c'.repeat(43),
      MARKET_SEED: 'seed-a',
      MARKET_START: START,
      MARKET_STEP_MS: 1000,
      FEE_RATE: '0.001',
      ...extra,
    });

  beforeAll(async () => {
    db = await createTestDatabase('broker_svc');
    id = createTestIdentity();
    app = await build(configFor(db.url), { logger: false, keys: id.keys });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const user = (userId: string, roles: string[] = ['trader']) => ({
    authorization: `Bearer ${id.accessToken({ id: userId, roles })}`,
  });
  const svc = () => ({ authorization: `Bearer ${id.serviceToken('trading', 'broker')}` });
  const place = (body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/internal/broker/orders', headers: svc(), payload: body });
  const deposit = (userId: string, amount: unknown, key?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/accounts/me/deposits',
      headers: { ...user(userId), ...(key ? { 'idempotency-key': key } : {}) },
      payload: { amount, currency: 'USD' },
    });
  const advance = (steps: number) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/market/clock/advance',
      headers: user('clock-user'),
      payload: { steps },
    });
  const currentStep = async () =>
    Number((await app.pg.query('SELECT step FROM market_clock')).rows[0].step);

  test('instruments are listed with tick and lot sizes', async () => {
    const res = await app.inject({ url: '/api/v1/market/instruments' });
    expect(res.statusCode).toBe(200);
    expect(res.json().instruments[0]).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      kind: 'equity',
      currency: 'USD',
      tickSize: '0.01',
      lotSize: '1',
    });
    expect(res.json().instruments.map((i: { symbol: string }) => i.symbol)).toEqual([
      'AAPL',
      'MSFT',
      'TSLA',
      'SPY',
      'BTC-USD',
      'ETH-USD',
    ]);
  });

  test('the same seed gives the same quotes; another seed other quotes', async () => {
    const same = await build(configFor(db.url), { logger: false, keys: id.keys });
    const other = await build(configFor(db.url, { MARKET_SEED: 'seed-b' }), {
      logger: false,
      keys: id.keys,
    });
    try {
      const url = '/api/v1/market/quotes?symbols=AAPL,BTC-USD';
      const a = (await app.inject({ url })).json();
      const b = (await same.inject({ url })).json();
      const c = (await other.inject({ url })).json();
      expect(b).toEqual(a);
      expect(c.quotes[0].bid).not.toBe(a.quotes[0].bid);
      const expected = quoteAt(
        createMarket('seed-a', DEFAULT_INSTRUMENTS),
        'AAPL',
        a.step,
        Date.parse(START) + a.step * 1000,
      );
      expect(a.quotes[0]).toEqual(expected);
      expect(a.quotes[0].time).toBe(new Date(Date.parse(START) + a.step * 1000).toISOString());
    } finally {
      await same.close();
      await other.close();
    }
  });

  test('quotes on a wall-time clock say until when they hold; a hand-stepped clock never does', async () => {
    const wall = await build(configFor(db.url, { ALPHINTRA_PROFILE: 'dev' }), {
      logger: false,
      keys: id.keys,
    });
    try {
      const before = Date.now();
      const a = (await wall.inject({ url: '/api/v1/market/quotes?symbols=AAPL' })).json();
      const until = Date.parse(a.validUntil);
      expect(until).toBe(Date.parse(START) + (a.step + 1) * 1000);
      expect(until).toBeGreaterThan(before);
    } finally {
      await wall.close();
    }
    const manual = (await app.inject({ url: '/api/v1/market/quotes?symbols=AAPL' })).json();
    expect(manual).not.toHaveProperty('validUntil');
  });

  test('an unknown symbol is 400 ALP_MARKET_UNKNOWN_SYMBOL', async () => {
    const res = await app.inject({ url: '/api/v1/market/quotes?symbols=AAPL,NOPE' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'ALP_MARKET_UNKNOWN_SYMBOL',
      detail: 'unknown symbol: NOPE',
    });
    const candles = await app.inject({ url: '/api/v1/market/candles/NOPE' });
    expect(candles.json().code).toBe('ALP_MARKET_UNKNOWN_SYMBOL');
  });

  test('candles are bounded and aligned to the interval', async () => {
    const tooMany = await app.inject({ url: '/api/v1/market/candles/AAPL?interval=1m&limit=501' });
    expect(tooMany.statusCode).toBe(400);
    const badInterval = await app.inject({ url: '/api/v1/market/candles/AAPL?interval=7m' });
    expect(badInterval.statusCode).toBe(400);
    await advance(150);
    const res = await app.inject({ url: '/api/v1/market/candles/AAPL?interval=1m&limit=2' });
    expect(res.statusCode).toBe(200);
    const { candles } = res.json<{ candles: { startStep: number; complete: boolean }[] }>();
    const step = await currentStep();
    expect(candles.map((c) => c.startStep)).toEqual([
      (Math.floor(step / 60) - 1) * 60,
      Math.floor(step / 60) * 60,
    ]);
    // A day spans 86,400 one-second steps: at most two such candles per request.
    const days = await app.inject({ url: '/api/v1/market/candles/AAPL?interval=1d&limit=500' });
    expect(days.statusCode).toBe(200);
    expect(days.json().candles).toHaveLength(1);
  });

  describe('outside the test profile (wall clock)', () => {
    // Its own database: a wall-clock sweeper must not match the hand-stepped test orders.
    let prodDb: TestDatabase;
    let prod: FastifyInstance;
    const stepMs = 50;
    beforeAll(async () => {
      prodDb = await createTestDatabase('broker_prod');
      // Step 0 begins 4 s from now (the step stays 0 until then): the market the order meets
      // is the seed's from step 0 on, whatever the wall time, so the test is deterministic.
      // Taken after the database exists, so a slow set-up under load does not eat the margin.
      const start = new Date(Date.now() + 4000).toISOString();
      prod = await build(
        configFor(prodDb.url, {
          ALPHINTRA_PROFILE: 'prod',
          MARKET_START: start,
          MARKET_STEP_MS: stepMs,
        }),
        { logger: false, keys: id.keys },
      );
      await prod.ready();
    });
    afterAll(async () => {
      await prod?.close();
      await prodDb?.drop();
    });

    test('the production profile refuses the clock route', async () => {
      const res = await prod.inject({
        method: 'POST',
        url: '/api/v1/market/clock/advance',
        headers: user('admin-1', ['admin']),
        payload: { steps: 1 },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('ALP_REQUEST_NOT_FOUND');
    });

    test('a resting order is filled by the timer as wall time crosses its price, and relayed', async () => {
      await prod.inject({
        method: 'POST',
        url: '/api/v1/accounts/me/deposits',
        headers: user('wall'),
        payload: { amount: '100000.00', currency: 'USD' },
      });
      const market = createMarket('seed-a', DEFAULT_INSTRUMENTS);
      // The first new low of the ask after step 0: the order rests until the clock gets there.
      const ask = (k: number) => dec(quoteAt(market, 'AAPL', k, 0).ask);
      let low = ask(0);
      let ahead = 1;
      while (!ask(ahead).lt(low) && ahead < 300) low = Dec.min(low, ask(ahead++));
      const limit = ask(ahead);
      expect(ahead).toBeLessThan(300);
      const placed = await prod.inject({
        method: 'POST',
        url: '/internal/broker/orders',
        headers: svc(),
        payload: {
          userId: 'wall',
          clientOrderId: 'k-wall',
          symbol: 'AAPL',
          side: 'buy',
          type: 'limit',
          quantity: '1',
          limitPrice: limit.toFixed(2),
        },
      });
      expect(placed.json()).toMatchObject({ status: 'New' });
      const status = async () =>
        (
          await prod.pg.query(
            `SELECT o.status, x.published_at IS NOT NULL AS relayed FROM broker_orders o
               LEFT JOIN outbox x ON x.payload->>'clientOrderId' = o.client_order_id
              WHERE o.client_order_id = 'k-wall'`,
          )
        ).rows;
      const until = Date.now() + 25_000;
      let rows = await status();
      while (!(rows[0]?.status === 'filled' && rows[0]?.relayed) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        rows = await status();
      }
      expect(rows).toEqual([{ status: 'filled', relayed: true }]);
    });
  });

  test('deposits take decimal strings only; a keyed retry is posted once', async () => {
    const number = await deposit('dep-user', 1000);
    expect(number.statusCode).toBe(400);
    expect(number.json().code).toBe('ALP_REQUEST_INVALID');
    const exponent = await deposit('dep-user', '1e3');
    expect(exponent.statusCode).toBe(400);
    expect(exponent.json().code).toBe('ALP_ACCOUNTS_INVALID_AMOUNT');
    const euros = await app.inject({
      method: 'POST',
      url: '/api/v1/accounts/me/deposits',
      headers: user('dep-user'),
      payload: { amount: '1.00', currency: 'EUR' },
    });
    expect(euros.json().code).toBe('ALP_ACCOUNTS_CURRENCY_UNSUPPORTED');
    const first = await deposit('dep-user', '1000.10', 'dep-1');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      depositId: 'dep-1',
      amount: '1000.1',
      currency: 'USD',
      replayed: false,
      account: { userId: 'dep-user', currency: 'USD', cash: '1000.1', holdings: [] },
    });
    const again = await deposit('dep-user', '1000.10', 'dep-1');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, account: { cash: '1000.1' } });
    const me = await app.inject({ url: '/api/v1/accounts/me', headers: user('dep-user') });
    expect(me.json()).toMatchObject({ cash: '1000.1', holdings: [] });
    const anonymous = await app.inject({ url: '/api/v1/accounts/me' });
    expect(anonymous.statusCode).toBe(401);
  });

  test('a market buy fills at the ask; a repeated client order id answers the same, never refills', async () => {
    await deposit('buyer', '100000.00');
    const body = {
      userId: 'buyer',
      clientOrderId: 'k-market-1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '10',
    };
    const step = await currentStep();
    const quote = quoteAt(createMarket('seed-a', DEFAULT_INSTRUMENTS), 'AAPL', step, 0);
    const first = await place(body);
    expect(first.statusCode).toBe(200);
    const answer = first.json<OrderAnswer>();
    const price = dec(quote.ask).toFixed();
    const fee = dec(quote.ask)
      .times(10)
      .times('0.001')
      .toDecimalPlaces(2, Dec.ROUND_HALF_UP)
      .toFixed();
    expect(answer).toEqual({
      clientOrderId: 'k-market-1',
      status: 'Filled',
      cumQty: '10',
      leavesQty: '0',
      avgPrice: price,
      fills: [{ execId: expect.stringMatching(/\/k-market-1\/1$/), quantity: '10', price, fee }],
    });
    await advance(5);
    const again = await place(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(answer);
    const conflict = await place({ ...body, quantity: '11' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('ALP_BROKER_CLIENT_ORDER_ID_REUSED');
    const me = await app.inject({ url: '/api/v1/accounts/me', headers: user('buyer') });
    expect(me.json()).toMatchObject({
      cash: dec('100000').minus(dec(price).times(10)).minus(fee).toFixed(),
      holdings: [{ symbol: 'AAPL', quantity: '10' }],
    });
  });

  test('concurrent duplicates of one client order id fill once', async () => {
    await deposit('racer', '100000.00');
    const body = {
      userId: 'racer',
      clientOrderId: 'k-race',
      symbol: 'MSFT',
      side: 'buy',
      type: 'market',
      quantity: '3',
    };
    const answers = await Promise.all(Array.from({ length: 8 }, () => place(body)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    const bodies = answers.map((a) => a.json<OrderAnswer>());
    for (const b of bodies) expect(b).toEqual(bodies[0]);
    const { rows } = await app.pg.query(
      `SELECT trim_scale(sum(quantity))::text AS q, count(*)::int AS n FROM fills WHERE client_order_id = 'k-race'`,
    );
    expect(rows).toEqual([{ q: '3', n: bodies[0]!.fills.length }]);
  });

  const placeBatch = (orders: Record<string, unknown>[]) =>
    app.inject({
      method: 'POST',
      url: '/internal/broker/order-batches',
      headers: svc(),
      payload: { orders },
    });

  test('a batch decides each order as it would alone: buying power sees the earlier fills', async () => {
    const step = await currentStep();
    const ask = dec(quoteAt(createMarket('seed-a', DEFAULT_INSTRUMENTS), 'AAPL', step, 0).ask);
    const cost = ask
      .times(10)
      .plus(ask.times(10).times('0.001').toDecimalPlaces(2, Dec.ROUND_HALF_UP));
    // Cash for two orders of ten and a half, not three.
    await deposit('batch-a', cost.times('2.5').toDecimalPlaces(2).toFixed());
    await deposit('batch-b', '100000.00');
    const order = (userId: string, clientOrderId: string) => ({
      userId,
      clientOrderId,
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '10',
      requestId: `req-${clientOrderId}`,
    });
    const res = await placeBatch([
      order('batch-a', 'ba-1'),
      order('batch-b', 'bb-1'),
      order('batch-a', 'ba-2'),
      order('batch-a', 'ba-3'),
      // The same client order id again: the first order's answer, nothing filled twice.
      order('batch-a', 'ba-1'),
    ]);
    expect(res.statusCode).toBe(200);
    const results = res.json<{
      results: { status: number; code?: string; order?: OrderAnswer }[];
    }>().results;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 422, 200]);
    expect(results.map((r) => r.order?.status ?? r.code)).toEqual([
      'Filled',
      'Filled',
      'Filled',
      'ALP_BROKER_INSUFFICIENT_FUNDS',
      'Filled',
    ]);
    expect(results[4]!.order).toEqual(results[0]!.order);
    const { rows } = await app.pg.query(
      `SELECT client_order_id, count(*)::int AS n FROM fills
        WHERE client_order_id IN ('ba-1', 'ba-2', 'ba-3', 'bb-1')
        GROUP BY client_order_id ORDER BY client_order_id`,
    );
    expect(rows).toEqual([
      { client_order_id: 'ba-1', n: 1 },
      { client_order_id: 'ba-2', n: 1 },
      { client_order_id: 'bb-1', n: 1 },
    ]);
    const me = await app.inject({ url: '/api/v1/accounts/me', headers: user('batch-a') });
    expect(me.json()).toMatchObject({ holdings: [{ symbol: 'AAPL', quantity: '20' }] });
  });

  test('an order that fails in the database fails alone; the rest of its batch is placed', async () => {
    await deposit('batch-c', '100000.00');
    const broker = new PostgresPaperBroker(app.pg, brokerContext(configFor(db.url)));
    const order = (clientOrderId: string) => ({
      accountId: 'batch-c',
      clientOrderId,
      symbol: 'MSFT',
      side: 'buy' as const,
      type: 'market' as const,
      quantity: '1',
    });
    // Longer than the column allows: only the store sees it (the route's schema refuses it).
    const outcomes = await broker.submitOrders([
      order('bc-1'),
      order('x'.repeat(300)),
      order('bc-2'),
    ]);
    expect(outcomes.map((o) => (o.ok ? o.value.outcome : 'failed'))).toEqual([
      'accepted',
      'failed',
      'accepted',
    ]);
  });

  test('the batch route takes service tokens from trading only and at most 256 orders', async () => {
    const one = {
      userId: 'u',
      clientOrderId: 'k',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '1',
    };
    const asRisk = await app.inject({
      method: 'POST',
      url: '/internal/broker/order-batches',
      headers: { authorization: `Bearer ${id.serviceToken('risk', 'broker')}` },
      payload: { orders: [one] },
    });
    expect(asRisk.statusCode).toBe(403);
    const tooMany = await placeBatch(
      Array.from({ length: 257 }, (_, i) => ({ ...one, clientOrderId: `k${i}` })),
    );
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().code).toBe('ALP_REQUEST_INVALID');
  });

  test('a resting limit buy fills when the clock crosses its price, and reports to the outbox', async () => {
    await deposit('rester', '100000.00');
    const market = createMarket('seed-a', DEFAULT_INSTRUMENTS);
    const step = await currentStep();
    const asks = Array.from({ length: 300 }, (_, i) =>
      dec(quoteAt(market, 'AAPL', step + 1 + i, 0).ask),
    );
    const limit = Dec.min(...asks);
    expect(limit.lt(quoteAt(market, 'AAPL', step, 0).ask)).toBe(true);
    const firstCross = asks.findIndex((a) => a.lte(limit)) + 1;
    const placed = await place({
      userId: 'rester',
      clientOrderId: 'k-rest',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '5',
      limitPrice: limit.toFixed(2),
    });
    expect(placed.json()).toEqual({
      clientOrderId: 'k-rest',
      status: 'New',
      cumQty: '0',
      leavesQty: '5',
      avgPrice: null,
      fills: [],
    });
    const moved = await advance(firstCross);
    expect(moved.json()).toMatchObject({ step: step + firstCross, fills: 1 });
    const read = await app.inject({
      url: '/internal/broker/orders/k-rest?userId=rester',
      headers: svc(),
    });
    const filled = read.json<OrderAnswer>();
    expect(filled).toMatchObject({
      status: 'Filled',
      cumQty: '5',
      leavesQty: '0',
      avgPrice: limit.toFixed(),
    });
    const { rows } = await app.pg.query(
      `SELECT topic, key, payload FROM outbox WHERE payload->>'clientOrderId' = 'k-rest'`,
    );
    expect(rows).toEqual([
      {
        topic: 'ExecutionReported',
        key: 'rester/k-rest',
        payload: {
          version: 1,
          clientOrderId: 'k-rest',
          userId: 'rester',
          execId: filled.fills[0]!.execId,
          symbol: 'AAPL',
          side: 'buy',
          quantity: '5',
          price: limit.toFixed(),
          fee: filled.fills[0]!.fee,
          cumQty: '5',
          leavesQty: '0',
          status: 'Filled',
        },
      },
    ]);
  });

  test('in a batch, a resting order caught up by its repeat frees its reservation for the next order', async () => {
    const market = createMarket('seed-a', DEFAULT_INSTRUMENTS);
    const askAt = (s: number) => dec(quoteAt(market, 'AAPL', s, 0).ask);
    // A limit under the current ask that a later step reaches: the order rests, then crosses.
    let step = await currentStep();
    let asks: Dec[] = [];
    for (;;) {
      asks = Array.from({ length: 300 }, (_, i) => askAt(step + 1 + i));
      if (Dec.min(...asks).lt(askAt(step))) break;
      await app.pg.query('UPDATE market_clock SET step = step + 1');
      step += 1;
    }
    const limit = Dec.min(...asks);
    const cross = asks.findIndex((a) => a.lte(limit)) + 1;
    const fee = (notional: Dec) => notional.times('0.001').toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    const later = dec(quoteAt(market, 'AAPL', step + cross, 0).ask);
    const need = later.times(10).plus(fee(later.times(10)));
    const rest = limit.times(5);
    // Enough for the market buy only once the resting buy's reservation is gone and its cost
    // and fee are paid: counting the reservation as well would refuse it.
    await deposit('batch-r', rest.plus(fee(rest)).plus(need).plus('0.01').toFixed(2));
    const resting = {
      userId: 'batch-r',
      clientOrderId: 'br-rest',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '5',
      limitPrice: limit.toFixed(2),
    };
    expect((await place(resting)).json().status).toBe('New');
    // The clock moves past the limit without a sweep: only the repeat catches the order up.
    await app.pg.query('UPDATE market_clock SET step = step + $1', [cross]);
    const res = await placeBatch([
      resting,
      {
        userId: 'batch-r',
        clientOrderId: 'br-market',
        symbol: 'AAPL',
        side: 'buy',
        type: 'market',
        quantity: '10',
      },
    ]);
    const results = res.json<{ results: { status: number; order?: OrderAnswer }[] }>().results;
    expect(results.map((r) => [r.status, r.order?.status])).toEqual([
      [200, 'Filled'],
      [200, 'Filled'],
    ]);
    const reported = await app.pg.query(
      `SELECT count(*)::int AS n FROM outbox WHERE payload->>'clientOrderId' = 'br-rest'`,
    );
    expect(reported.rows).toEqual([{ n: 1 }]);
    const me = await app.inject({ url: '/api/v1/accounts/me', headers: user('batch-r') });
    expect(me.json()).toMatchObject({
      cash: '0.01',
      holdings: [{ symbol: 'AAPL', quantity: '15' }],
    });
  });

  test('the relay is woken only after transactions that wrote events', async () => {
    let nudges = 0;
    const broker = new PostgresPaperBroker(app.pg, brokerContext(configFor(db.url)), () => {
      nudges += 1;
    });
    await deposit('nudged', '100000.00');
    const market = createMarket('seed-a', DEFAULT_INSTRUMENTS);
    // A market order answers with its fills and writes no event.
    const filled = await broker.submitOrder({
      accountId: 'nudged',
      clientOrderId: 'k-nudge-market',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '1',
    });
    expect(filled).toMatchObject({ outcome: 'accepted', order: { status: 'filled' } });
    expect(nudges).toBe(0);
    // A resting order filled while it is caught up writes ExecutionReported: one nudge. Its
    // limit is the first future ask below the current one, so it rests now and crosses then.
    const now = await currentStep();
    const askAt = (s: number) => dec(quoteAt(market, 'AAPL', s, 0).ask);
    let cross = now + 1;
    while (!askAt(cross).lt(askAt(now))) cross += 1;
    const rest = await broker.submitOrder({
      accountId: 'nudged',
      clientOrderId: 'k-nudge-rest',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '1',
      limitPrice: askAt(cross).toFixed(2),
    });
    expect(rest).toMatchObject({ outcome: 'accepted', order: { status: 'working' }, fills: [] });
    expect(nudges).toBe(0);
    await app.pg.query('UPDATE market_clock SET step = $1', [cross]);
    const caught = await broker.getOrder('nudged', 'k-nudge-rest');
    expect(caught?.fills).toHaveLength(1);
    expect(nudges).toBe(1);
  });

  test('cancel releases what is left; another user cannot see or cancel the order', async () => {
    await deposit('canceler', '100000.00');
    const placed = await place({
      userId: 'canceler',
      clientOrderId: 'k-cancel',
      symbol: 'SPY',
      side: 'buy',
      type: 'limit',
      quantity: '2',
      limitPrice: '100.00',
    });
    expect(placed.json()).toMatchObject({ status: 'New', leavesQty: '2' });
    const cancel = (userId: string) =>
      app.inject({
        method: 'POST',
        url: '/internal/broker/orders/k-cancel/cancel',
        headers: svc(),
        payload: { userId },
      });
    const stranger = await cancel('someone-else');
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('ALP_BROKER_ORDER_NOT_FOUND');
    const done = await cancel('canceler');
    expect(done.json()).toEqual({
      clientOrderId: 'k-cancel',
      status: 'Canceled',
      cumQty: '0',
      leavesQty: '0',
      avgPrice: null,
      fills: [],
    });
    expect((await cancel('canceler')).json()).toMatchObject({ status: 'Canceled' });
    const read = await app.inject({
      url: '/internal/broker/orders/k-cancel?userId=someone-else',
      headers: svc(),
    });
    expect(read.statusCode).toBe(404);
  });

  test('orders the account cannot pay for, or that break the instrument rules, are 422', async () => {
    const poor = await place({
      userId: 'poor',
      clientOrderId: 'k-poor',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      quantity: '1',
    });
    expect(poor.statusCode).toBe(422);
    expect(poor.json().code).toBe('ALP_BROKER_INSUFFICIENT_FUNDS');
    const offLot = await place({
      userId: 'poor',
      clientOrderId: 'k-lot',
      symbol: 'AAPL',
      side: 'sell',
      type: 'market',
      quantity: '1.5',
    });
    expect(offLot.json().code).toBe('ALP_BROKER_QUANTITY_OFF_LOT');
    const number = await place({
      userId: 'poor',
      clientOrderId: 'k-num',
      symbol: 'AAPL',
      side: 'sell',
      type: 'market',
      quantity: 1,
    });
    expect(number.statusCode).toBe(400);
  });

  test('internal routes take service tokens from trading only', async () => {
    const asUser = await app.inject({
      method: 'POST',
      url: '/internal/broker/orders',
      headers: user('buyer', ['admin']),
      payload: {},
    });
    expect(asUser.statusCode).toBe(401);
    const asStrategy = await app.inject({
      url: '/internal/broker/orders/k?userId=u',
      headers: { authorization: `Bearer ${id.serviceToken('strategy', 'broker')}` },
    });
    expect(asStrategy.statusCode).toBe(403);
  });

  test('a market sell moves holdings out and cash in, less the fee', async () => {
    const before = (
      await app.inject({ url: '/api/v1/accounts/me', headers: user('buyer') })
    ).json();
    const sold = await place({
      userId: 'buyer',
      clientOrderId: 'k-sell-1',
      symbol: 'AAPL',
      side: 'sell',
      type: 'market',
      quantity: '4',
    });
    const answer = sold.json<OrderAnswer>();
    expect(answer).toMatchObject({ status: 'Filled', cumQty: '4', leavesQty: '0' });
    const fill = answer.fills[0]!;
    const after = (await app.inject({ url: '/api/v1/accounts/me', headers: user('buyer') })).json();
    expect(after).toMatchObject({
      cash: dec(before.cash).plus(dec(fill.price).times(4)).minus(fill.fee).toFixed(),
      holdings: [{ symbol: 'AAPL', quantity: '6' }],
    });
  });

  test('GET / lists what is implemented and what is not', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.json()).toMatchObject({
      service: 'broker',
      profile: 'test',
      pending: [
        'a configured instrument list (the default list is built in)',
        'a real broker connector (the routes call the BrokerAdapter interface; the Postgres paper broker is its only service implementation)',
      ],
    });
  });

  test('the ledger reconciles after deposits and fills (admin only)', async () => {
    const asTrader = await app.inject({
      url: '/api/v1/accounts/reconciliation',
      headers: user('t'),
    });
    expect(asTrader.statusCode).toBe(403);
    const res = await app.inject({
      url: '/api/v1/accounts/reconciliation',
      headers: user('boss', ['admin']),
    });
    expect(res.statusCode).toBe(200);
    const rec = res.json<{
      balanced: boolean;
      assets: { asset: string; debits: string; credits: string }[];
      unbalancedJournals: string[];
      driftedBalances: string[];
    }>();
    expect(rec.balanced).toBe(true);
    expect(rec.unbalancedJournals).toEqual([]);
    expect(rec.driftedBalances).toEqual([]);
    expect(rec.assets.map((a) => a.asset)).toEqual(['AAPL', 'MSFT', 'USD']);
    for (const a of rec.assets) expect(a.debits).toBe(a.credits);
    const { rows } = await app.pg.query(
      `SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'fill'`,
    );
    const fills = await app.pg.query(`SELECT count(*)::int AS n FROM fills`);
    expect(rows[0].n).toBe(fills.rows[0].n);
  });
});
