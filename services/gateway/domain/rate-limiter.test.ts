import { describe, expect, test } from 'vitest';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRateLimiter, rateLimitHeaders, rateLimitKey } from './rate-limiter.js';

function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

describe('rate limiter (in-process store)', () => {
  test('answers at once, not with a promise (it runs on every request)', () => {
    const limiter = createRateLimiter({
      store: createMemoryRateLimitStore(),
      limit: 1,
      windowMs: 60_000,
    });
    expect(limiter.consume('k')).toMatchObject({ allowed: true });
    expect(limiter.consume('k')).toMatchObject({ allowed: false, retryAfterSec: 60 });
  });

  test('exactly the limit passes, the next is refused with Retry-After', async () => {
    const c = clock();
    const limiter = createRateLimiter({
      store: createMemoryRateLimitStore({ now: c.now }),
      limit: 100,
      windowMs: 60_000,
    });
    const results = [];
    for (let i = 0; i < 101; i += 1) results.push(await limiter.consume('sub:u1'));
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    expect(results[99]).toEqual({
      allowed: true,
      limit: 100,
      remaining: 0,
      resetSec: 60,
      store: 'primary',
    });
    c.t += 15_500;
    expect(await limiter.consume('sub:u1')).toEqual({
      allowed: false,
      limit: 100,
      remaining: 0,
      resetSec: 45,
      retryAfterSec: 45,
      store: 'primary',
    });
  });

  test('keys are independent, and a new window starts after reset', async () => {
    const c = clock();
    const limiter = createRateLimiter({
      store: createMemoryRateLimitStore({ now: c.now }),
      limit: 1,
      windowMs: 1_000,
    });
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('b')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
    c.t += 1_000;
    expect(await limiter.consume('a')).toMatchObject({ allowed: true, remaining: 0 });
  });

  test('expired windows are swept once the map is large', async () => {
    const c = clock();
    const store = createMemoryRateLimitStore({ now: c.now, sweepAbove: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await store.hit(k, 1_000);
    c.t += 1_000;
    await store.hit('e', 1_000);
    expect(store.size).toBe(1);
  });

  test('primary store failing: falls back to in-process and reports the error', async () => {
    const errors: unknown[] = [];
    const limiter = createRateLimiter({
      store: { hit: () => Promise.reject(new Error("Stream isn't writeable")) },
      limit: 2,
      windowMs: 60_000,
      onStoreError: (e) => errors.push(e),
    });
    const r = [await limiter.consume('k'), await limiter.consume('k'), await limiter.consume('k')];
    expect(r.map((x) => [x.allowed, x.store])).toEqual([
      [true, 'fallback'],
      [true, 'fallback'],
      [false, 'fallback'],
    ]);
    expect(errors).toHaveLength(3);
  });

  test.each([
    [{ verifiedSubject: 'u-1', ip: '10.0.0.1' }, 'sub:u-1'],
    [{ verifiedSubject: undefined, ip: '10.0.0.1' }, 'ip:10.0.0.1'],
    [{ ip: '::1' }, 'ip:::1'],
  ])('key for %j is %s', (req, key) => {
    expect(rateLimitKey(req)).toBe(key);
  });

  test('headers', () => {
    expect(
      rateLimitHeaders({
        allowed: false,
        limit: 100,
        remaining: 0,
        resetSec: 7,
        retryAfterSec: 7,
        store: 'primary',
      }),
    ).toEqual({
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '7',
      'retry-after': '7',
    });
    expect(
      rateLimitHeaders({ allowed: true, limit: 5, remaining: 4, resetSec: 60, store: 'primary' }),
    ).toEqual({
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset': '60',
    });
  });

  test('refuses a non-positive limit', () => {
    expect(() =>
      createRateLimiter({ store: createMemoryRateLimitStore(), limit: 0, windowMs: 1 }),
    ).toThrow('limit must be a positive integer');
  });
});
