import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
// Same issuer, audience and kid as `id`, but its own key pair: its tokens must not verify.
const intruder = createTestIdentity({ kid: id.kid });
const alice = { id: randomUUID(), roles: ['trader'] };
const bearer = (token = id.accessToken(alice)) => ({ authorization: `Bearer ${token}` });

// build() applies the service's migrations, so even routes that do not touch the database
// need one: each run gets its own, dropped afterwards.
describe.skipIf(!ADMIN_DATABASE_URL)('strategy routes (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await createTestDatabase('strategy');
    const config = parseConfig(configSchema, testServiceEnv('strategy', db.url));
    app = await build(config, { logger: false, keys: id.keys });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  test('GET / lists what works and what does not yet', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      service: 'strategy',
      implemented: [
        'platform kit: health, metrics, problem+json errors',
        'GET /api/v1/strategies/types: strategy types (sma-crossover, momentum, dca) with their parameter JSON Schemas',
        'POST /api/v1/strategies/validate: parameter validation listing every problem, normalised parameters',
        "POST /api/v1/strategies, GET /api/v1/strategies/:id: the caller's strategies, stored normalised as drafts (authenticated; another user's is 404)",
        'POST /api/v1/strategies/:id/activate and /deactivate: draft to active and back, idempotent',
        "live signals: every finished candle of an active strategy's symbol and timeframe (DCA: its interval) is evaluated with the backtest's rule; a buy or sell places a market order for the owner through trading's POST /internal/orders with the key strategy:<id>:<candle open time> (one evaluating instance per strategy: FOR UPDATE SKIP LOCKED); each pass reads open orders back until they are final, so a signal shows what its order filled",
        "GET /api/v1/strategies/:id/signals: the caller's strategy's signals with their orders (another user's is 404)",
        "POST /api/v1/strategies/:id/backtests: deterministic backtest of the caller's strategy over the broker's finished simulated candles (from/to or the latest limit), exact decimal metrics and the trade list, stored",
        'GET /api/v1/strategies/:id/backtests/:runId: a stored backtest run, byte for byte as computed',
      ],
      pending: ['listing and editing strategies', 'listing backtest runs'],
    });
    const { pending } = res.json<{ pending: string[] }>();
    expect(pending.filter((p) => /auth/i.test(p))).toEqual([]);
  });

  test('the types and validate routes need a valid access token', async () => {
    const routes = [
      { method: 'GET', url: '/api/v1/strategies/types' },
      {
        method: 'POST',
        url: '/api/v1/strategies/validate',
        payload: { type: 'dca', parameters: { symbol: 'ETH-USD', amount: '100', interval: '1w' } },
      },
    ] as const;
    for (const route of routes) {
      const res = await app.inject(route);
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.json(), `${route.method} ${route.url}`).toMatchObject({
        code: 'ALP_AUTH_TOKEN_MISSING',
      });
    }
    const forged = await app.inject({
      url: '/api/v1/strategies/types',
      headers: bearer(intruder.accessToken(alice)),
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  test('GET /api/v1/strategies/types returns the three types with JSON Schemas', async () => {
    const res = await app.inject({ url: '/api/v1/strategies/types', headers: bearer() });
    expect(res.statusCode).toBe(200);
    const { types } = res.json<{
      types: { id: string; title: string; parameters: Record<string, unknown> }[];
    }>();
    expect(types.map((t) => t.id)).toEqual(['sma-crossover', 'momentum', 'dca']);
    const sma = types[0]!.parameters;
    expect(sma).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['symbol', 'timeframe', 'fast', 'slow'],
      properties: {
        fast: { type: 'integer', minimum: 1, maximum: 500 },
        slow: { type: 'integer', minimum: 2, maximum: 500 },
        timeframe: { default: '1d' },
      },
    });
    expect(types[2]!.parameters).toMatchObject({
      required: ['symbol', 'amount', 'interval'],
      properties: {
        amount: { type: 'string', pattern: '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,8})?$' },
        interval: {
          anyOf: [{ const: '1m' }, { const: '1h' }, { const: '1d' }, { const: '1w' }],
        },
      },
    });
  });

  test('POST /validate with valid parameters answers 200 with the normalised definition', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/strategies/validate',
      headers: bearer(),
      payload: {
        type: 'momentum',
        parameters: { symbol: 'BTC-USD', lookback: 20, threshold: '0.050' },
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      valid: true,
      normalised: {
        type: 'momentum',
        parameters: { symbol: 'BTC-USD', timeframe: '1d', lookback: 20, threshold: '0.05' },
      },
    });
  });

  test('POST /validate with invalid parameters answers 400 problem+json listing every problem', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/strategies/validate',
      headers: { ...bearer(), 'x-request-id': 'req-strategy-1' },
      payload: { type: 'sma-crossover', parameters: { symbol: 'AAPL', fast: 50, slow: 20, x: 1 } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'https://alphintra.dev/problems/alp-strategy-parameters-invalid',
      title: 'Bad Request',
      status: 400,
      detail:
        'parameters of sma-crossover are invalid: /fast: Expected fast (50) to be less than slow (20); /x: Unexpected property',
      instance: '/api/v1/strategies/validate',
      code: 'ALP_STRATEGY_PARAMETERS_INVALID',
      requestId: 'req-strategy-1',
      problems: [
        { path: '/fast', message: 'Expected fast (50) to be less than slow (20)' },
        { path: '/x', message: 'Unexpected property' },
      ],
    });
  });

  test('POST /validate with an unknown type answers 400 with the known types', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/strategies/validate',
      headers: bearer(),
      payload: { type: 'martingale', parameters: {} },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'ALP_STRATEGY_TYPE_UNKNOWN',
      detail: 'unknown strategy type "martingale"',
      knownTypes: ['sma-crossover', 'momentum', 'dca'],
    });
  });

  test.each([
    { payload: { type: 'dca' }, detail: "body must have required property 'parameters'" },
    {
      payload: { type: 'dca', parameters: {}, extra: true },
      detail: 'body must NOT have additional properties',
    },
  ])('POST /validate with a malformed envelope answers 400 ALP_REQUEST_INVALID', async (c) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/strategies/validate',
      headers: bearer(),
      payload: c.payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'ALP_REQUEST_INVALID', detail: c.detail });
  });
});
