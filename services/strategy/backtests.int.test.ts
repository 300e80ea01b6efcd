import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { createTestIdentity } from '../../test/support/identity.js';
import { parseConfig } from '../platform/index.js';
import { build } from './app.js';
import { configSchema } from './config.js';
import { testServiceEnv } from '../../test/support/service-env.js';

const id = createTestIdentity();
const alice = { id: randomUUID(), roles: ['trader'] };
const bob = { id: randomUUID(), roles: ['trader'] };
const bearer = (u: { id: string; roles: string[] }) => ({
  authorization: `Bearer ${id.accessToken(u)}`,
});

const MINUTE = 60_000;
const START = Date.parse('2026-03-01T10:00:00Z');
const time = (i: number) => new Date(START + i * MINUTE).toISOString();
/** One-minute candles starting at step 600 (not the market's first), the last one forming. */
const CLOSES = ['10.00', '9.00', '11.00', '12.00', '8.00', '10.00', '10.50'];
const SERVED = CLOSES.map((close, i) => ({
  symbol: 'AAPL',
  startStep: 600 + 60 * i,
  openTime: time(i),
  open: close,
  high: close,
  low: close,
  close,
  volume: '10',
  complete: i < CLOSES.length - 1,
}));

/** The broker's market routes, as the strategy service reads them (outer edge only). */
async function startFakeBroker() {
  const seen: { url: string; authorization: string | undefined }[] = [];
  const broker = Fastify();
  broker.addHook('onRequest', async (request) => {
    seen.push({ url: request.url, authorization: request.headers.authorization });
  });
  broker.get('/api/v1/market/instruments', async () => ({
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
  broker.get<{ Params: { symbol: string } }>(
    '/api/v1/market/candles/:symbol',
    async (request, reply) => {
      if (request.params.symbol !== 'AAPL') {
        return reply
          .code(404)
          .type('application/problem+json')
          .send({ code: 'ALP_MARKET_UNKNOWN_SYMBOL', status: 404 });
      }
      return { symbol: 'AAPL', interval: '1m', candles: SERVED };
    },
  );
  await broker.listen({ host: '127.0.0.1', port: 0 });
  const address = broker.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, seen, close: () => broker.close() };
}

describe.skipIf(!ADMIN_DATABASE_URL)('backtests (real PostgreSQL, broker at the edge)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let broker: Awaited<ReturnType<typeof startFakeBroker>>;
  let strategyId: string;
  beforeAll(async () => {
    db = await createTestDatabase('strategy');
    broker = await startFakeBroker();
    const config = parseConfig(
      configSchema,
      testServiceEnv('strategy', db.url, { BROKER_URL: broker.url }),
    );
    app = await build(config, {
      logger: false,
      keys: id.keys,
      serviceTokens: { getToken: async (aud) => id.serviceToken('strategy', aud) },
    });
    await app.ready();
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/strategies',
      headers: bearer(alice),
      payload: {
        name: 'cross',
        type: 'sma-crossover',
        parameters: { symbol: 'AAPL', timeframe: '1m', fast: 1, slow: 2 },
      },
    });
    strategyId = created.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await app?.close();
    await broker?.close();
    await db?.drop();
  });
  beforeEach(() => {
    broker.seen.length = 0;
  });

  const backtest = (payload: object, user = alice, sid = strategyId) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/strategies/${sid}/backtests`,
      headers: bearer(user),
      payload,
    });

  test('replays the finished candles of the range, stores the run, and reads it back', async () => {
    const res = await backtest({ from: time(0), to: time(6), initialCash: '1000.00' });
    expect(res.statusCode).toBe(201);
    const run = res.json<{ id: string; metrics: unknown; trades: unknown[] }>();
    expect(res.headers.location).toBe(`/api/v1/strategies/${strategyId}/backtests/${run.id}`);
    expect(run).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      strategyId,
      definition: {
        type: 'sma-crossover',
        parameters: { symbol: 'AAPL', timeframe: '1m', fast: 1, slow: 2 },
      },
      symbol: 'AAPL',
      interval: '1m',
      from: time(0),
      to: time(6),
      candles: 6,
      initialCash: '1000',
      feeRate: '0',
      // Worked by hand in run-backtest.test.ts (the same closes).
      metrics: {
        trades: 4,
        roundTrips: 2,
        winningTrades: 0,
        finalEquity: '730',
        realizedPnl: '-270',
        fees: '0',
        totalReturn: '-0.27',
        maxDrawdown: '0.33027523',
        winRate: '0',
      },
      trades: expect.any(Array),
      createdAt: expect.any(String),
    });
    expect(run.trades).toHaveLength(4);
    // The broker was asked with a service token, for as many candles as it serves.
    expect(broker.seen.map((s) => s.url).sort()).toEqual([
      '/api/v1/market/candles/AAPL?interval=1m&limit=500',
      '/api/v1/market/instruments',
    ]);
    expect(broker.seen.every((s) => s.authorization?.startsWith('Bearer '))).toBe(true);

    const read = await app.inject({
      url: `/api/v1/strategies/${strategyId}/backtests/${run.id}`,
      headers: bearer(alice),
    });
    expect(read.statusCode).toBe(200);
    expect(read.body).toBe(res.body);
  });

  test('the same inputs give byte-identical metrics and trades', async () => {
    const body = { from: time(1), to: time(6), initialCash: '5000', feeRate: '0.001' };
    const [a, b] = [await backtest(body), await backtest(body)];
    const strip = (raw: string) => {
      const { id: _id, createdAt: _at, ...rest } = JSON.parse(raw) as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    expect(a.statusCode).toBe(201);
    expect(a.json<{ id: string }>().id).not.toBe(b.json<{ id: string }>().id);
    expect(strip(b.body)).toBe(strip(a.body));
    expect(a.json()).toMatchObject({ candles: 5, from: time(1), feeRate: '0.001' });
  });

  test('limit takes the newest finished candles and reports the range they cover', async () => {
    const res = await backtest({ limit: 3, initialCash: '100' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ from: time(3), to: time(6), candles: 3 });
  });

  test.each([
    {
      name: 'a range reaching past the last finished candle',
      body: { from: time(0), to: time(7), initialCash: '1' },
      status: 422,
      code: 'ALP_STRATEGY_BACKTEST_RANGE_NOT_FINISHED',
      extra: { finishedUntil: time(6) },
    },
    {
      name: 'a range older than the candles the broker serves',
      body: { from: time(-1), to: time(3), initialCash: '1' },
      status: 422,
      code: 'ALP_STRATEGY_BACKTEST_HISTORY_UNAVAILABLE',
      extra: { earliest: time(0) },
    },
    {
      name: 'a range without a whole candle',
      body: { from: '2026-03-01T10:00:30Z', to: '2026-03-01T10:01:30Z', initialCash: '1' },
      status: 422,
      code: 'ALP_STRATEGY_BACKTEST_NO_CANDLES',
      extra: {},
    },
    {
      name: 'a symbol the market does not list',
      body: { symbol: 'NOPE', limit: 2, initialCash: '1' },
      status: 422,
      code: 'ALP_STRATEGY_BACKTEST_SYMBOL_UNKNOWN',
      extra: {},
    },
    {
      name: 'every problem of the request at once',
      body: { to: time(1), initialCash: 1000, interval: '4h', feeRate: '0.5', extra: true },
      status: 400,
      code: 'ALP_STRATEGY_BACKTEST_INVALID',
      extra: {
        problems: [
          { path: '/extra', message: 'Unexpected property' },
          { path: '/feeRate', message: 'Expected less than 0.1, got "0.5"' },
          { path: '/from', message: 'Expected from together with to' },
          {
            path: '/initialCash',
            message:
              'Expected a decimal string such as "12.5" (plain digits, at most 8 fractional digits)',
          },
          { path: '/interval', message: 'Expected one of "1m", "5m", "15m", "1h", "1d"' },
        ],
      },
    },
  ])('$name is refused ($code) and nothing is stored', async ({ body, status, code, extra }) => {
    const before = await app.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM backtest_runs',
    );
    const res = await backtest(body);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, ...extra });
    const after = await app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM backtest_runs');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  test("another user's strategy and run are 404, as are unknown ids", async () => {
    const mine = await backtest({ limit: 2, initialCash: '100' });
    const runId = mine.json<{ id: string }>().id;
    const theirs = await backtest({ limit: 2, initialCash: '100' }, bob);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ code: 'ALP_STRATEGY_NOT_FOUND' });
    for (const [user, url] of [
      [bob, `/api/v1/strategies/${strategyId}/backtests/${runId}`],
      [alice, `/api/v1/strategies/${strategyId}/backtests/${randomUUID()}`],
      [alice, `/api/v1/strategies/${randomUUID()}/backtests/${runId}`],
    ] as const) {
      const res = await app.inject({ url, headers: bearer(user) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ALP_STRATEGY_BACKTEST_NOT_FOUND' });
    }
    const anonymous = await app.inject({
      method: 'POST',
      url: `/api/v1/strategies/${strategyId}/backtests`,
      payload: { limit: 2, initialCash: '100' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
