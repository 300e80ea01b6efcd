import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { Hit, RateLimitStore } from './rate-limit-store.js';

/*
 * When the shared store (Redis) fails, the limiter falls back to an in-process store and
 * reports the error through `onStoreError` (the wiring counts it in a metric and logs it).
 * This is a bounded fail-open: the edge keeps serving during a Redis outage, and each gateway
 * instance still enforces the limit on its own, so the worst case is N × limit across N
 * instances, not unlimited. Failing closed would turn a cache outage into a full outage of
 * every route; failing fully open would drop abuse protection exactly when something is wrong.
 */

export interface RateLimitResult {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets (x-ratelimit-reset). */
  readonly resetSec: number;
  /** Set when refused: the Retry-After value in seconds. */
  readonly retryAfterSec?: number;
  /** Which store answered: 'primary', or 'fallback' while the primary is failing. */
  readonly store: 'primary' | 'fallback';
}

export interface RateLimiterOptions {
  readonly store: RateLimitStore;
  /** Requests per window per key (config: 100 by default, raised by a bench profile). */
  readonly limit: number;
  readonly windowMs: number;
  /** Used while `store` fails (default: a fresh in-process store). */
  readonly fallback?: RateLimitStore;
  readonly onStoreError?: (err: unknown) => void;
}

export interface RateLimiter {
  /** At once with the in-process store; a promise with Redis (or while falling back from it). */
  consume(key: string): RateLimitResult | Promise<RateLimitResult>;
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  if (!Number.isInteger(opts.limit) || opts.limit < 1)
    throw new Error('limit must be a positive integer');
  const fallback = opts.fallback ?? createMemoryRateLimitStore();

  function result(hit: Hit, store: RateLimitResult['store']): RateLimitResult {
    const resetSec = Math.max(1, Math.ceil(hit.resetInMs / 1000));
    const allowed = hit.count <= opts.limit;
    const remaining = Math.max(0, opts.limit - hit.count);
    return allowed
      ? { allowed, limit: opts.limit, remaining, resetSec, store }
      : { allowed, limit: opts.limit, remaining, resetSec, retryAfterSec: resetSec, store };
  }

  async function fromFallback(key: string, err: unknown): Promise<RateLimitResult> {
    opts.onStoreError?.(err);
    return result(await fallback.hit(key, opts.windowMs), 'fallback');
  }

  return {
    consume(key) {
      let hit: Hit | Promise<Hit>;
      try {
        hit = opts.store.hit(key, opts.windowMs);
      } catch (err) {
        return fromFallback(key, err);
      }
      if (hit instanceof Promise) {
        return hit.then(
          (h) => result(h, 'primary'),
          (err: unknown) => fromFallback(key, err),
        );
      }
      return result(hit, 'primary');
    },
  };
}

/**
 * The key a request is limited under: the verified JWT subject, else the client IP. Only pass
 * a subject from a token that has been verified; an unverified `sub` would let anyone pick
 * (and exhaust) someone else's bucket.
 */
export function rateLimitKey(req: { verifiedSubject?: string | undefined; ip: string }): string {
  return req.verifiedSubject ? `sub:${req.verifiedSubject}` : `ip:${req.ip}`;
}

/** The response headers for a result (lower-case names). */
export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    'x-ratelimit-limit': String(r.limit),
    'x-ratelimit-remaining': String(r.remaining),
    'x-ratelimit-reset': String(r.resetSec),
  };
  if (r.retryAfterSec !== undefined) headers['retry-after'] = String(r.retryAfterSec);
  return headers;
}
