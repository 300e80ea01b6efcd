import type { KitConfig } from '../config.js';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { describe, expect, test } from 'vitest';
import { REDIS_URL } from '../../../test/support/database.js';
import { healthPlugin } from './health.js';
import { redisPlugin } from './redis.js';

async function appWith(url: string | undefined, critical = true): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.register(
    fp(async (i) => void i.decorate('config', { SERVICE_NAME: 'test', PORT: 0 } as KitConfig), {
      name: 'alphintra-config',
    }),
  );
  app.register(healthPlugin, { checkTimeoutMs: 1500 });
  app.register(redisPlugin, { url, critical });
  await app.ready();
  return app;
}

describe('redis plugin', () => {
  test('without a URL there is no Redis and no readiness check', async () => {
    const app = await appWith(undefined);
    expect(app.redis).toBeNull();
    expect((await app.inject({ url: '/health/ready' })).json()).toEqual({
      status: 'ready',
      checks: {},
    });
    await app.close();
  });

  test.skipIf(!REDIS_URL)('with a reachable Redis, readiness pings it', async () => {
    const app = await appWith(REDIS_URL);
    expect(await app.redis!.ping()).toBe('PONG');
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.redis.ok).toBe(true);
    await app.close();
  });

  test('an unreachable Redis fails fast (no offline queue) and readiness says why', async () => {
    const app = await appWith('redis://127.0.0.1:1');
    await expect(app.redis!.get('k')).rejects.toThrow(/Stream isn't writeable|enableOfflineQueue/);
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.redis.ok).toBe(false);
    await app.close();
  });

  test('an optional Redis that is down is reported but keeps the service ready', async () => {
    const app = await appWith('redis://127.0.0.1:1', false);
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ready',
      checks: { redis: { ok: false, critical: false } },
    });
    await app.close();
  });
});
