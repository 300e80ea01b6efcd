import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, test } from 'vitest';

const loaded = (pkg: string) =>
  Object.keys(createRequire(import.meta.url).cache).filter((file) =>
    file.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`),
  );

// ioredis builds ~400 command methods when it is evaluated (~65 ms of CPU and ~11 MiB per
// service measured); the embedded default has no Redis, so the plugin loads it on use only.
test('importing the Redis plugin does not load ioredis; a configured URL does', async () => {
  const { redisPlugin } = await import('./redis.js');
  expect(typeof redisPlugin).toBe('function');
  expect(loaded('ioredis')).toEqual([]);
  await import('ioredis');
  expect(loaded('ioredis').length).toBeGreaterThan(0);
});
