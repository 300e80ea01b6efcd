import type { Redis } from 'ioredis';
import type { RateLimitStore } from './rate-limit-store.js';

/*
 * One Lua script, so INCR and the expiry are atomic: two gateway instances sharing Redis
 * count against one total, and a crash between the two commands cannot leave a counter that
 * never expires. PTTL < 0 also repairs a key that somehow lost its expiry.
 */
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type WithScript = Redis & {
  alphintraRateLimit(key: string, windowMs: number): Promise<[number, number]>;
};

export interface RedisStoreOptions {
  /** Key prefix; tests use a random one (default `alphintra:ratelimit:`). */
  readonly prefix?: string;
}

/**
 * Fixed-window counters in Redis. The client should fail fast while disconnected
 * (enableOfflineQueue: false, as the platform's Redis plugin sets): a hit then rejects and the
 * limiter falls back (see rate-limiter.ts) instead of queueing requests behind an outage.
 */
export function createRedisRateLimitStore(
  redis: Redis,
  opts: RedisStoreOptions = {},
): RateLimitStore {
  const prefix = opts.prefix ?? 'alphintra:ratelimit:';
  // defineCommand uses EVALSHA and falls back to EVAL on NOSCRIPT (after a Redis restart).
  if (!('alphintraRateLimit' in redis)) {
    redis.defineCommand('alphintraRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  }
  const r = redis as WithScript;
  return {
    async hit(key, windowMs) {
      const [count, ttl] = await r.alphintraRateLimit(prefix + key, windowMs);
      return { count: Number(count), resetInMs: Number(ttl) };
    },
  };
}
