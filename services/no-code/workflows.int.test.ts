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
import { smaCrossoverExample } from './domain/sma-crossover-example.js';
import { testServiceEnv } from '../../test/support/service-env.js';

const id = createTestIdentity();
const alice = { id: randomUUID(), roles: ['trader'] };
const bob = { id: randomUUID(), roles: ['trader'] };
const bearer = (u: { id: string; roles: string[] }) => ({
  authorization: `Bearer ${id.accessToken(u)}`,
});

describe.skipIf(!ADMIN_DATABASE_URL)('stored workflows (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await createTestDatabase('nocode');
    const config = parseConfig(configSchema, testServiceEnv('no-code', db.url));
    app = await build(config, { logger: false, keys: id.keys });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const create = (payload: object, user = alice) =>
    app.inject({ method: 'POST', url: '/api/v1/workflows', headers: bearer(user), payload });

  test('POST /api/v1/workflows stores a valid workflow for its owner only', async () => {
    const res = await create({ name: 'AAPL crossover', workflow: smaCrossoverExample() });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ id: string }>();
    expect(res.headers.location).toBe(`/api/v1/workflows/${body.id}`);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      name: 'AAPL crossover',
      workflow: smaCrossoverExample(),
      createdAt: expect.any(String),
    });
    const read = await app.inject({ url: `/api/v1/workflows/${body.id}`, headers: bearer(alice) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
    for (const [user, wid] of [
      [bob, body.id],
      [alice, randomUUID()],
    ] as const) {
      const res404 = await app.inject({ url: `/api/v1/workflows/${wid}`, headers: bearer(user) });
      expect(res404.statusCode).toBe(404);
      expect(res404.json()).toMatchObject({ code: 'ALP_WORKFLOW_NOT_FOUND' });
    }
  });

  test('an invalid workflow is refused with its findings and not stored', async () => {
    const w = smaCrossoverExample();
    w.edges.push({ from: { node: 'buy', port: 'x' }, to: { node: 'md', port: 'y' } });
    const res = await create({ name: 'broken', workflow: w });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'ALP_WORKFLOW_INVALID' });
    const { rows } = await app.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM workflows WHERE name = $1',
      ['broken'],
    );
    expect(rows[0]!.n).toBe(0);
  });

  test('the routes need a valid access token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      payload: { name: 'x', workflow: smaCrossoverExample() },
    });
    expect(res.statusCode).toBe(401);
  });
});
