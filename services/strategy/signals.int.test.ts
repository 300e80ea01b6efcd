import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { createTestIdentity } from '../../test/support/identity.js';
import { createService, parseConfig } from '../platform/index.js';
import { definition } from './app.js';
import { configSchema } from './config.js';
import { evaluateActiveStrategies, signalKey } from './live/evaluator.js';
import { strategyRoutes } from './routes/index.js';
import { recordSignalOrder } from './store/signals.js';
import { testServiceEnv } from '../../test/support/service-env.js';

const id = createTestIdentity();
const bearer = (u: { id: string }) => ({
  authorization: `Bearer ${id.accessToken({ ...u, roles: ['trader'] })}`,
});
const MINUTE = 60_000;
/** Buys 3 when the last close crosses above the one before, sells what it holds on the way down. */
const CROSSOVER = { symbol: 'AAPL', timeframe: '1m', fast: 1, slow: 2, maxPosition: '3' };

interface Candle {
  openTime: string;
  close: string;
  complete: boolean;
}

/** Who a bearer token says it is from and for (the fake does not verify it). */
function tokenOf(authorization: string | undefined): Record<string, unknown> {
  const [header, claims] = (authorization ?? '').replace(/^Bearer /, '').split('.');
  const decode = (part: string | undefined) =>
    JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8') || '{}') as Record<
      string,
      unknown
    >;
  const c = decode(claims);
  return { sub: c.sub, aud: c.aud, typ: decode(header).typ };
}

/**
 * The broker's market routes and trading's POST /internal/orders at the outer edge. Trading
 * here keeps orders by (user, key) as the real one does, so a repeated key replays, and
 * records every call it got (a lock that failed would show as two calls).
 */
async function startFakes() {
  const state = {
    candles: [] as Candle[],
    tradingMode: 'up' as 'up' | 'down',
    tradingDelayMs: 0,
    calls: [] as {
      authorization: Record<string, unknown>;
      key: unknown;
      body: Record<string, unknown>;
    }[],
    orders: new Map<
      string,
      { id: string; userId: string; status: string; cumQty: string; quantity: string }
    >(),
    /** What a new order has filled when trading answers; null: all of it. */
    filledAtAnswer: null as string | null,
    /** Who read orders back (GET /internal/orders/:id). */
    reads: [] as { authorization: Record<string, unknown>; userId: unknown }[],
  };
  const app = Fastify();
  app.get('/api/v1/market/instruments', async () => ({
    instruments: [
      {
        symbol: 'AAPL',
        name: 'Apple',
        kind: 'equity',
        currency: 'USD',
        tickSize: '0.01',
        lotSize: '1',
      },
    ],
  }));
  app.get('/api/v1/market/candles/:symbol', async () => ({ candles: state.candles }));
  app.post('/internal/orders', async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const idempotencyKey = request.headers['idempotency-key'];
    state.calls.push({
      authorization: tokenOf(request.headers.authorization),
      key: idempotencyKey,
      body,
    });
    await new Promise((r) => setTimeout(r, state.tradingDelayMs));
    if (state.tradingMode === 'down') return reply.code(503).send({ code: 'DOWN' });
    const key = `${String(body.userId)}|${String(idempotencyKey)}`;
    let order = state.orders.get(key);
    if (!order) {
      const partly = state.filledAtAnswer;
      order = {
        id: randomUUID(),
        userId: String(body.userId),
        status: partly === null ? 'Filled' : 'PartiallyFilled',
        cumQty: partly ?? String(body.quantity),
        quantity: String(body.quantity),
      };
      state.orders.set(key, order);
    }
    return reply.code(201).send(order);
  });
  app.get('/internal/orders/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const { userId } = request.query as { userId?: string };
    state.reads.push({ authorization: tokenOf(request.headers.authorization), userId });
    const order = [...state.orders.values()].find((o) => o.id === id && o.userId === userId);
    if (!order) return reply.code(404).send({ code: 'ALP_ORDERS_NOT_FOUND' });
    return order;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, state, close: () => app.close() };
}

describe.skipIf(!ADMIN_DATABASE_URL)(
  'live signals (real PostgreSQL, broker and trading at the edge)',
  () => {
    let db: TestDatabase;
    let app: FastifyInstance;
    let fakes: Awaited<ReturnType<typeof startFakes>>;
    let pool: pg.Pool;

    beforeAll(async () => {
      [db, fakes] = await Promise.all([createTestDatabase('strategy_live'), startFakes()]);
      const config = parseConfig(
        configSchema,
        testServiceEnv('strategy', db.url, { TRADING_URL: fakes.url, BROKER_URL: fakes.url }),
      );
      // No timer: the tests run the passes themselves.
      app = await createService({ ...definition, routes: strategyRoutes({ pollMs: 0 }) }, config, {
        logger: false,
        keys: id.keys,
        serviceTokens: { getToken: async (aud) => id.serviceToken('strategy', aud) },
      });
      await app.ready();
      pool = new pg.Pool({ connectionString: db.url, max: 2 });
    });
    afterAll(async () => {
      await app?.close();
      await pool?.end();
      await fakes?.close();
      await db?.drop();
    });
    beforeEach(async () => {
      fakes.state.tradingMode = 'up';
      fakes.state.tradingDelayMs = 0;
      fakes.state.calls.length = 0;
      fakes.state.reads.length = 0;
      fakes.state.filledAtAnswer = null;
      // Earlier tests' strategies stay out of the way.
      await pool.query(`UPDATE strategies SET status = 'draft', activated_at = NULL`);
    });

    /** One-minute candles: `count` finished ones, the newest closing after now. */
    function candlesUntilNow(closes: string[]): Candle[] {
      const current = Math.floor(Date.now() / MINUTE) * MINUTE;
      return closes.map((close, i) => ({
        openTime: new Date(current - (closes.length - 1 - i) * MINUTE).toISOString(),
        close,
        complete: true,
      }));
    }
    function nextCandle(close: string): void {
      const last = fakes.state.candles.at(-1)!;
      fakes.state.candles.push({
        openTime: new Date(Date.parse(last.openTime) + MINUTE).toISOString(),
        close,
        complete: true,
      });
    }
    async function activeStrategy(owner: { id: string }, type: string, parameters: object) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/strategies',
        headers: bearer(owner),
        payload: { name: 's', type, parameters },
      });
      expect(created.statusCode).toBe(201);
      const strategyId = created.json().id as string;
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/strategies/${strategyId}/activate`,
        headers: bearer(owner),
      });
      expect(res.statusCode).toBe(200);
      return strategyId;
    }
    async function signalsOf(owner: { id: string }, strategyId: string) {
      const res = await app.inject({
        url: `/api/v1/strategies/${strategyId}/signals`,
        headers: bearer(owner),
      });
      expect(res.statusCode).toBe(200);
      return res.json().items as Record<string, unknown>[];
    }

    test('a DCA buy is placed for the owner through trading once per candle, and only the owner sees it', async () => {
      const owner = { id: randomUUID() };
      fakes.state.candles = candlesUntilNow(['150.00', '190.87']);
      const strategyId = await activeStrategy(owner, 'dca', {
        symbol: 'AAPL',
        amount: '1000',
        interval: '1m',
      });
      const candleTime = fakes.state.candles.at(-1)!.openTime;

      await evaluateActiveStrategies(app);
      // Only the candle that closed after the activation: the one before it is history.
      expect(fakes.state.calls).toEqual([
        {
          // A service token from strategy, addressed to trading.
          authorization: { sub: 'strategy', aud: 'trading', typ: 'svc+jwt' },
          key: `strategy:${strategyId}:${candleTime}`,
          body: {
            userId: owner.id,
            symbol: 'AAPL',
            side: 'buy',
            type: 'market',
            quantity: '5',
          },
        },
      ]);
      const { userId: _user, ...order } = [...fakes.state.orders.values()].at(-1)!;
      expect(await signalsOf(owner, strategyId)).toEqual([
        {
          id: expect.any(String),
          strategyId,
          candleTime,
          side: 'buy',
          quantity: '5',
          price: '190.87',
          status: 'placed',
          orderId: order.id,
          orderStatus: 'Filled',
          filledQuantity: '5',
          reason: null,
          createdAt: expect.any(String),
        },
      ]);

      // The same candle again: nothing placed, nothing recorded.
      await evaluateActiveStrategies(app);
      expect(fakes.state.calls).toHaveLength(1);
      expect(await signalsOf(owner, strategyId)).toHaveLength(1);

      // The next candle: the next buy, with its own key.
      nextCandle('200');
      await evaluateActiveStrategies(app);
      expect(fakes.state.calls.map((c) => c.key)).toEqual([
        signalKey(strategyId, candleTime),
        signalKey(strategyId, fakes.state.candles.at(-1)!.openTime),
      ]);
      const signals = await signalsOf(owner, strategyId);
      expect(signals.map((s) => [s.candleTime, s.quantity])).toEqual([
        [fakes.state.candles.at(-1)!.openTime, '5'],
        [candleTime, '5'],
      ]);

      const intruder = await app.inject({
        url: `/api/v1/strategies/${strategyId}/signals`,
        headers: bearer({ id: randomUUID() }),
      });
      expect(intruder.statusCode).toBe(404);
      expect(intruder.json()).toMatchObject({ code: 'ALP_STRATEGY_NOT_FOUND' });
      const anonymous = await app.inject({ url: `/api/v1/strategies/${strategyId}/signals` });
      expect(anonymous.statusCode).toBe(401);
    });

    test('two instances evaluating at once place one order per candle (the row lock)', async () => {
      const owner = { id: randomUUID() };
      fakes.state.candles = candlesUntilNow(['100']);
      const strategyId = await activeStrategy(owner, 'dca', {
        symbol: 'AAPL',
        amount: '1000',
        interval: '1m',
      });
      fakes.state.tradingDelayMs = 300;
      await Promise.all([evaluateActiveStrategies(app), evaluateActiveStrategies(app)]);
      expect(fakes.state.calls).toHaveLength(1);
      expect(await signalsOf(owner, strategyId)).toHaveLength(1);
    });

    test('trading not answering: nothing recorded, the next pass retries with the same key', async () => {
      const owner = { id: randomUUID() };
      fakes.state.candles = candlesUntilNow(['100']);
      const strategyId = await activeStrategy(owner, 'dca', {
        symbol: 'AAPL',
        amount: '250',
        interval: '1m',
      });
      fakes.state.tradingMode = 'down';
      await evaluateActiveStrategies(app);
      expect(fakes.state.calls).toHaveLength(1);
      expect(await signalsOf(owner, strategyId)).toEqual([]);

      fakes.state.tradingMode = 'up';
      await evaluateActiveStrategies(app);
      const keys = fakes.state.calls.map((c) => c.key);
      expect(keys).toEqual([keys[0], keys[0]]);
      expect((await signalsOf(owner, strategyId)).map((s) => [s.status, s.quantity])).toEqual([
        ['placed', '2'],
      ]);
    });

    test('a crossover buys maxPosition, then sells what its orders filled; drafts do not trade', async () => {
      const owner = { id: randomUUID() };
      fakes.state.candles = candlesUntilNow(['10', '9']);
      const draft = await app.inject({
        method: 'POST',
        url: '/api/v1/strategies',
        headers: bearer(owner),
        payload: {
          name: 'd',
          type: 'dca',
          parameters: { symbol: 'AAPL', amount: '100', interval: '1m' },
        },
      });
      expect(draft.statusCode).toBe(201);
      const strategyId = await activeStrategy(owner, 'sma-crossover', CROSSOVER);
      await evaluateActiveStrategies(app); // 10 -> 9: below, no cross into a buy
      expect(fakes.state.calls).toEqual([]);
      nextCandle('12'); // crosses above: buy 3
      await evaluateActiveStrategies(app);
      nextCandle('13'); // still above: nothing
      await evaluateActiveStrategies(app);
      nextCandle('8'); // crosses below: sell the 3 bought
      await evaluateActiveStrategies(app);
      expect(fakes.state.calls.map((c) => [c.body.side, c.body.quantity])).toEqual([
        ['buy', '3'],
        ['sell', '3'],
      ]);
      expect((await signalsOf(owner, strategyId)).map((s) => [s.side, s.price, s.status])).toEqual([
        ['sell', '8', 'placed'],
        ['buy', '12', 'placed'],
      ]);
      expect(await signalsOf(owner, draft.json().id)).toEqual([]);
    });

    test('an order that fills after its answer: the signal follows it, the position counts every fill', async () => {
      const owner = { id: randomUUID() };
      fakes.state.candles = candlesUntilNow(['10', '9']);
      const strategyId = await activeStrategy(owner, 'sma-crossover', CROSSOVER);
      await evaluateActiveStrategies(app);
      // Crosses above: buy 3, of which the broker's displayed size fills 1 at once.
      fakes.state.filledAtAnswer = '1';
      nextCandle('12');
      await evaluateActiveStrategies(app);
      const bought = [...fakes.state.orders.values()].at(-1)!;
      expect(
        (await signalsOf(owner, strategyId)).map((s) => [s.orderStatus, s.filledQuantity]),
      ).toEqual([['PartiallyFilled', '1']]);

      // The next pass reads the order back for its owner, with strategy's token to trading.
      await evaluateActiveStrategies(app);
      expect(fakes.state.reads).toEqual([
        { authorization: { sub: 'strategy', aud: 'trading', typ: 'svc+jwt' }, userId: owner.id },
      ]);
      // The rest fills at later steps; the pass after that shows it.
      Object.assign(bought, { status: 'Filled', cumQty: '3' });
      await evaluateActiveStrategies(app);
      expect(
        (await signalsOf(owner, strategyId)).map((s) => [s.orderStatus, s.filledQuantity]),
      ).toEqual([['Filled', '3']]);
      // A final order is not read again.
      const reads = fakes.state.reads.length;
      await evaluateActiveStrategies(app);
      expect(fakes.state.reads).toHaveLength(reads);

      // Crosses below: the sell is the 3 that filled, not the 1 of the first answer.
      fakes.state.filledAtAnswer = null;
      nextCandle('8');
      await evaluateActiveStrategies(app);
      expect(fakes.state.calls.map((c) => [c.body.side, c.body.quantity])).toEqual([
        ['buy', '3'],
        ['sell', '3'],
      ]);
    });

    test('an answer read late never takes a signal back', async () => {
      const owner = { id: randomUUID() };
      fakes.state.candles = candlesUntilNow(['100']);
      fakes.state.filledAtAnswer = '1';
      const strategyId = await activeStrategy(owner, 'dca', {
        symbol: 'AAPL',
        amount: '500',
        interval: '1m',
      });
      await evaluateActiveStrategies(app);
      const [signal] = await signalsOf(owner, strategyId);
      expect(signal).toMatchObject({
        quantity: '5',
        orderStatus: 'PartiallyFilled',
        filledQuantity: '1',
      });
      await recordSignalOrder(pool, signal!.id as string, { status: 'Filled', cumQty: '5' });
      // An instance that read the order earlier records its older answer afterwards.
      await recordSignalOrder(pool, signal!.id as string, {
        status: 'PartiallyFilled',
        cumQty: '2',
      });
      expect(await signalsOf(owner, strategyId)).toMatchObject([
        { orderStatus: 'Filled', filledQuantity: '5' },
      ]);
    });
  },
);
