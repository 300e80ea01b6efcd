import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /** Null when no REDIS_URL is configured: callers fall back to in-process stores. */
    redis: Redis | null;
  }
}

export interface RedisOptions {
  url?: string | undefined;
  /**
   * Whether readiness depends on Redis. Services whose catalog entry says `optional` keep
   * working on in-process stores when Redis is down, so an outage must not pull them all
   * out of rotation; the check is still reported.
   */
  critical?: boolean;
}

/**
 * Optional Redis with fail-fast options: commands fail at once while disconnected (no
 * unbounded offline queue), so a Redis outage shows up as errors and 503 readiness, never
 * as requests piling up in memory.
 */
export const redisPlugin = fp<RedisOptions>(
  async (app, opts) => {
    if (!opts.url) {
      app.decorate('redis', null);
      return;
    }
    // Loaded only when configured: evaluating ioredis costs every service start CPU (its ~400
    // command methods are built at load), and the embedded default runs without Redis.
    const { Redis } = await import('ioredis');
    const redis = new Redis(opts.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
      connectionName: app.config.SERVICE_NAME,
    });
    redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis error'));
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
    try {
      await redis.connect();
    } catch (err) {
      // Start anyway: readiness reports Redis as down and ioredis keeps reconnecting.
      app.log.warn({ err: (err as Error).message }, 'redis not reachable at start');
    }
    app.health.addCheck(
      'redis',
      async () => {
        const pong = await redis.ping();
        if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
      },
      { critical: opts.critical ?? true },
    );
  },
  {
    name: 'alphintra-redis',
    fastify: '5.x',
    dependencies: ['alphintra-health', 'alphintra-config'],
  },
);
