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
const alice = { id: randomUUID(), roles: ['trader'] };
const bob = { id: randomUUID(), roles: ['trader'] };
const bearer = (u: { id: string; roles: string[] }) => ({
  authorization: `Bearer ${id.accessToken(u)}`,
});

describe.skipIf(!ADMIN_DATABASE_URL)('stored strategies (real PostgreSQL)', () => {
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

  const create = (payload: object, user = alice) =>
    app.inject({ method: 'POST', url: '/api/v1/strategies', headers: bearer(user), payload });

  test('POST /api/v1/strategies stores the normalised definition as a draft', async () => {
    const res = await create({
      name: 'BTC momentum',
      type: 'momentum',
      parameters: { symbol: 'BTC-USD', lookback: 20, threshold: '0.050', maxPosition: '2.50' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ id: string; createdAt: string }>();
    expect(res.headers.location).toBe(`/api/v1/strategies/${body.id}`);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
      name: 'BTC momentum',
      type: 'momentum',
      parameters: {
        symbol: 'BTC-USD',
        maxPosition: '2.5',
        timeframe: '1d',
        lookback: 20,
        threshold: '0.05',
      },
      status: 'draft',
      createdAt: expect.any(String),
      activatedAt: null,
    });
    const read = await app.inject({ url: `/api/v1/strategies/${body.id}`, headers: bearer(alice) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
  });

  test('an invalid definition is refused with every problem and nothing is stored', async () => {
    const res = await create({
      name: 'bad',
      type: 'sma-crossover',
      parameters: { symbol: 'aapl', fast: 50, slow: 20 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'ALP_STRATEGY_PARAMETERS_INVALID',
      problems: [
        { path: '/fast', message: 'Expected fast (50) to be less than slow (20)' },
        {
          path: '/symbol',
          message: 'Expected an upper-case symbol of 1-20 characters (A-Z, 0-9, ".", "-")',
        },
      ],
    });
    const unknown = await create({ name: 'x', type: 'martingale', parameters: {} });
    expect(unknown.json()).toMatchObject({ code: 'ALP_STRATEGY_TYPE_UNKNOWN' });
    const { rows } = await app.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM strategies WHERE name IN ($1, $2)',
      ['bad', 'x'],
    );
    expect(rows[0]!.n).toBe(0);
  });

  test('the routes need a valid access token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/strategies',
      payload: { name: 'n', type: 'dca', parameters: {} },
    });
    expect(res.statusCode).toBe(401);
  });

  test('activate: draft to active once; again changes nothing', async () => {
    const created = await create({
      name: 'weekly DCA',
      type: 'dca',
      parameters: { symbol: 'ETH-USD', amount: '100.00', interval: '1w' },
    });
    const { id: sid, createdAt } = created.json<{ id: string; createdAt: string }>();
    const url = `/api/v1/strategies/${sid}/activate`;
    const first = await app.inject({ method: 'POST', url, headers: bearer(alice) });
    expect(first.statusCode).toBe(200);
    const active = first.json<{ status: string; activatedAt: string }>();
    expect(active).toMatchObject({ id: sid, status: 'active', createdAt });
    expect(Date.parse(active.activatedAt)).toBeGreaterThanOrEqual(Date.parse(createdAt));
    const again = await app.inject({ method: 'POST', url, headers: bearer(alice) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(active);
    const off = `/api/v1/strategies/${sid}/deactivate`;
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method: 'POST', url: off, headers: bearer(alice) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: sid, status: 'draft', activatedAt: null });
    }
  });

  test("another user's strategy is 404 to read and to activate, and stays a draft", async () => {
    const created = await create({
      name: 'mine',
      type: 'sma-crossover',
      parameters: { symbol: 'AAPL', fast: 5, slow: 20 },
    });
    const sid = created.json<{ id: string }>().id;
    for (const [method, url] of [
      ['GET', `/api/v1/strategies/${sid}`],
      ['POST', `/api/v1/strategies/${sid}/activate`],
      ['POST', `/api/v1/strategies/${sid}/deactivate`],
      ['GET', `/api/v1/strategies/${randomUUID()}`],
    ] as const) {
      const res = await app.inject({ method, url, headers: bearer(bob) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ALP_STRATEGY_NOT_FOUND' });
    }
    const read = await app.inject({ url: `/api/v1/strategies/${sid}`, headers: bearer(alice) });
    expect(read.json()).toMatchObject({ status: 'draft', activatedAt: null });
  });
});
