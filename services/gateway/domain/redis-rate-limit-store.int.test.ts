import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REDIS_URL } from '../../../test/support/database.js';
import { createRateLimiter } from './rate-limiter.js';
import { createRedisRateLimitStore } from './redis-rate-limit-store.js';

// The options the platform's Redis plugin uses: commands fail at once while disconnected.
const failFast = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2000,
} as const;

describe.skipIf(!REDIS_URL)('Redis rate-limit store (real Redis)', () => {
  const prefix = `t:${randomBytes(6).toString('hex')}:rl:`;
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    a = new Redis(REDIS_URL!, { ...failFast, lazyConnect: true });
    b = new Redis(REDIS_URL!, { ...failFast, lazyConnect: true });
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    const keys = (await a?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await a.del(...keys);
    a?.disconnect();
    b?.disconnect();
  });

  test('exactly the limit passes, then 429 with Retry-After; the key expires with the window', async () => {
    const limiter = createRateLimiter({
      store: createRedisRateLimitStore(a, { prefix }),
      limit: 100,
      windowMs: 60_000,
    });
    const results = await Promise.all(
      Array.from({ length: 101 }, () => limiter.consume('sub:solo')),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    const refused = results.find((r) => !r.allowed)!;
    expect(refused).toMatchObject({ allowed: false, limit: 100, remaining: 0, store: 'primary' });
    expect(refused.retryAfterSec).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSec).toBeLessThanOrEqual(60);
    const ttl = await a.pttl(`${prefix}sub:solo`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  test('two limiter instances (two gateways) sharing Redis hold the total', async () => {
    const one = createRateLimiter({
      store: createRedisRateLimitStore(a, { prefix }),
      limit: 50,
      windowMs: 60_000,
    });
    const two = createRateLimiter({
      store: createRedisRateLimitStore(b, { prefix }),
      limit: 50,
      windowMs: 60_000,
    });
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? one : two).consume('sub:shared')),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
    expect(await a.get(`${prefix}sub:shared`)).toBe('120');
  });

  test('a key that lost its expiry is repaired on the next hit', async () => {
    await a.set(`${prefix}ip:1.2.3.4`, '3');
    const hit = await createRedisRateLimitStore(a, { prefix }).hit('ip:1.2.3.4', 10_000);
    expect(hit.count).toBe(4);
    expect(hit.resetInMs).toBe(10_000);
    expect(await a.pttl(`${prefix}ip:1.2.3.4`)).toBeGreaterThan(0);
  });

  describe('Redis down', () => {
    let dead: Server;
    let port = 0;
    beforeAll(async () => {
      // Take a free port, then close it so nothing listens there.
      dead = createServer();
      await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
      port = (dead.address() as { port: number }).port;
      await new Promise<void>((r) => dead.close(() => r()));
    });

    test('documented choice: fall back to the in-process limit and report each store error', async () => {
      const down = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        ...failFast,
        retryStrategy: () => null,
      });
      down.on('error', () => undefined);
      await down.connect().catch(() => undefined);
      const errors: unknown[] = [];
      const limiter = createRateLimiter({
        store: createRedisRateLimitStore(down, { prefix }),
        limit: 3,
        windowMs: 60_000,
        onStoreError: (e) => errors.push(e),
      });
      const results = [];
      for (let i = 0; i < 4; i += 1) results.push(await limiter.consume('sub:down'));
      expect(results.map((r) => [r.allowed, r.store])).toEqual([
        [true, 'fallback'],
        [true, 'fallback'],
        [true, 'fallback'],
        [false, 'fallback'],
      ]);
      expect(errors).toHaveLength(4);
      down.disconnect();
    });
  });
});
