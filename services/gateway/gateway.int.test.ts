import { randomBytes } from 'node:crypto';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  REDIS_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { freePort } from '../../test/support/free-port.js';
import {
  createPgRegistry,
  createStaticResolver,
  ensureDiscoverySchema,
  startRegistration,
  type Registry,
} from '../platform/discovery/index.js';
import { createStaticKeySet } from '../platform/security/index.js';
import { build, type GatewayDeps } from './app.js';
import { startEcho, type EchoUpstream } from './testing/echo-upstream.js';
import { gatewayConfig } from './testing/gateway-config.js';
import { accessToken, jwks } from './testing/tokens.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function echo(name: string): Promise<EchoUpstream> {
  const e = await startEcho(name);
  cleanup.push(() => e.close().catch(() => undefined));
  return e;
}

async function gateway(config: Record<string, unknown>, deps: GatewayDeps = {}) {
  const app = await build(gatewayConfig(config), { logger: false }, deps);
  cleanup.push(() => app.close());
  return app;
}

const auth = (sub = 'user-1') => ({ authorization: `Bearer ${accessToken({ sub })}` });
const metric = async (app: FastifyInstance, re: RegExp) =>
  Number(re.exec((await app.inject({ method: 'GET', url: '/metrics' })).body)?.[1] ?? 0);

describe.skipIf(!REDIS_URL)('rate limit on real Redis', () => {
  test('two gateway instances sharing Redis hold one total: exactly the limit passes', async () => {
    const trading = await echo('trading');
    const prefix = `t_${randomBytes(4).toString('hex')}:ratelimit:`;
    const deps: GatewayDeps = {
      keys: createStaticKeySet(jwks),
      resolver: createStaticResolver({ trading: trading.url }),
      rateLimitPrefix: prefix,
    };
    const config = { REDIS_URL, RATE_LIMIT_MAX: 5, RATE_LIMIT_WINDOW_MS: 60_000 };
    const a = await gateway(config, deps);
    const b = await gateway(config, deps);
    const headers = auth(`shared-${randomBytes(3).toString('hex')}`);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await (i % 2 === 0 ? a : b).inject({
        method: 'GET',
        url: '/api/v1/orders',
        headers,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(trading.hits.length).toBe(5);
    expect(await metric(a, /gateway_rate_limit_store_fallbacks_total\{[^}]*\} (\d+)/)).toBe(0);
    const keys = await a.redis!.keys(`${prefix}*`);
    expect(keys.length).toBe(1);
    await a.redis!.del(...keys);
  });
});

describe('rate limit while Redis is down (documented choice: per-instance fallback)', () => {
  test('requests keep flowing, each instance enforces the limit alone, fallbacks are counted', async () => {
    const trading = await echo('trading');
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const app = await gateway(
      { REDIS_URL: deadRedis, RATE_LIMIT_MAX: 3 },
      { keys: createStaticKeySet(jwks), resolver: createStaticResolver({ trading: trading.url }) },
    );
    const headers = auth('redis-down');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await app.inject({ method: 'GET', url: '/api/v1/orders', headers })).statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await metric(app, /gateway_rate_limit_store_fallbacks_total\{[^}]*\} (\d+)/)).toBe(4);
  });
});

describe('JWKS fetched over HTTP from AUTH_URL', () => {
  let jwksServer: Server;
  let fetches = 0;
  let authUrl = '';
  beforeAll(async () => {
    jwksServer = createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    authUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => jwksServer.close(() => r())));

  test('valid tokens pass with the key set fetched once; forgeries with unknown kids refetch at most once', async () => {
    const trading = await echo('trading');
    const app = await gateway(
      { AUTH_URL: authUrl },
      { resolver: createStaticResolver({ trading: trading.url }) },
    );
    await app.ready();
    for (let i = 0; i < 5; i += 1) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/orders', headers: auth() });
      expect(res.statusCode).toBe(200);
    }
    for (let i = 0; i < 5; i += 1) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/orders',
        headers: { authorization: `Bearer ${accessToken({}, { kid: `random-${i}` })}` },
      });
      expect(res.statusCode).toBe(401);
    }
    expect(fetches).toBeLessThanOrEqual(2);
    expect(fetches).toBeGreaterThanOrEqual(1);
  });
});

describe('over real HTTP', () => {
  test('a listening gateway streams the upstream answer; encoded dot segments are refused', async () => {
    const user = await echo('user');
    const app = await gateway(
      {},
      { keys: createStaticKeySet(jwks), resolver: createStaticResolver({ user: user.url }) },
    );
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const ok = await request(`${base}/api/v1/users/me?x=1`, { headers: auth() });
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.json()).toMatchObject({ upstream: 'user', url: '/api/v1/users/me?x=1' });
    // Sent raw with node:http (a WHATWG URL would resolve the dots before sending).
    const sneaky = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(base);
      httpGet(
        { host: '127.0.0.1', port, path: '/api/v1/auth/login/%2e%2e/me', headers: auth() },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      ).on('error', reject);
    });
    expect(sneaky.status).toBe(404);
    expect(JSON.parse(sneaky.body)).toMatchObject({ code: 'ALP_REQUEST_NOT_FOUND' });
    expect(user.hits.length).toBe(1);
  });
});

describe.skipIf(!ADMIN_DATABASE_URL)('discovery through a real PostgreSQL registry', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let registry: Registry;
  beforeAll(async () => {
    db = await createTestDatabase('gateway_discovery');
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    await ensureDiscoverySchema(pool);
    registry = createPgRegistry(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('a gateway that starts before any instance (empty database) creates the schema and answers 503', async () => {
    const empty = await createTestDatabase('gateway_empty_registry');
    cleanup.push(() => empty.drop());
    const app = await gateway(
      { DISCOVERY_DATABASE_URL: empty.url },
      { keys: createStaticKeySet(jwks) },
    );
    const res = await app.inject({ method: 'GET', url: '/api/v1/orders', headers: auth() });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'ALP_GATEWAY_UPSTREAM_UNAVAILABLE' });
    expect(res.headers['retry-after']).toBe('1');
  });

  test('requests spread over two instances; a deregistered one gets no traffic and no GET fails', async () => {
    const one = await echo('trading');
    const two = await echo('trading');
    const regOne = await startRegistration(
      registry,
      { service: 'trading', instanceId: 'one', url: one.url },
      { leaseMs: 5_000 },
    );
    const regTwo = await startRegistration(
      registry,
      { service: 'trading', instanceId: 'two', url: two.url },
      { leaseMs: 5_000 },
    );
    cleanup.push(() => regOne.stop().catch(() => undefined));
    cleanup.push(() => regTwo.stop().catch(() => undefined));
    const app = await gateway(
      { DISCOVERY_DATABASE_URL: db.url },
      { keys: createStaticKeySet(jwks) },
    );
    const headers = auth();
    for (let i = 0; i < 20; i += 1) {
      expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers })).statusCode).toBe(
        200,
      );
    }
    expect([one.hits.length, two.hits.length]).toEqual([10, 10]);

    // Graceful stop: deregister first, then stop serving.
    await regOne.stop();
    await one.close();
    const oneBefore = one.hits.length;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      statuses.push(
        (await app.inject({ method: 'GET', url: '/api/v1/orders', headers })).statusCode,
      );
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(one.hits.length).toBe(oneBefore);
    expect(two.hits.length).toBe(30);
  });

  test('a crashed instance (no deregistration): GETs keep succeeding, and it leaves the view when its lease lapses', async () => {
    const one = await echo('trading');
    const two = await echo('trading');
    const ids = {
      one: `crash-${randomBytes(3).toString('hex')}`,
      two: `ok-${randomBytes(3).toString('hex')}`,
    };
    await registry.register({ service: 'trading', instanceId: ids.one, url: one.url }, 1_500);
    const regTwo = await startRegistration(
      registry,
      { service: 'trading', instanceId: ids.two, url: two.url },
      { leaseMs: 5_000 },
    );
    cleanup.push(() => regTwo.stop().catch(() => undefined));
    const app = await gateway(
      { DISCOVERY_DATABASE_URL: db.url, RATE_LIMIT_MAX: 100_000 },
      { keys: createStaticKeySet(jwks), retry: { baseDelayMs: 1 } },
    );
    const headers = auth();
    const get = () => app.inject({ method: 'GET', url: '/api/v1/orders', headers });
    for (let i = 0; i < 4; i += 1) expect((await get()).statusCode).toBe(200);
    expect(one.hits.length).toBe(2);

    await one.close(); // crash: the row stays until its lease lapses
    const statuses: number[] = [];
    const end = Date.now() + 2_500; // past the 1.5 s lease
    while (Date.now() < end) {
      statuses.push((await get()).statusCode);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(20);
    const listed = (await registry.list()).map((i) => i.instanceId);
    expect(listed).not.toContain(ids.one);
    expect(listed).toContain(ids.two);
  });
});
