import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { freePort } from '../../../test/support/free-port.js';
import { advertisedUrl } from './announce.js';
import { listInstances } from './pg-registry.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const env = {
  AUTH_URL: 'http://127.0.0.1:1',
  USER_URL: 'http://127.0.0.1:1',
  TRADING_URL: 'http://127.0.0.1:1',
  BROKER_URL: 'http://127.0.0.1:1',
  JWT_ISSUER: 'http://127.0.0.1:1',
  JWT_AUDIENCE: 'alphintra',
  SERVICE_CREDENTIAL: 'c'.repeat(43),
  LOG_LEVEL: 'warn',
};

describe('advertisedUrl', () => {
  test.each([
    [undefined, 'http://127.0.0.1:4020'],
    ['0.0.0.0', 'http://127.0.0.1:4020'],
    ['::', 'http://127.0.0.1:4020'],
    ['10.1.2.3', 'http://10.1.2.3:4020'],
    ['::1', 'http://[::1]:4020'],
  ])('%j → %s', (host, url) => {
    expect(advertisedUrl(host, 4020)).toBe(url);
  });
});

describe.skipIf(!ADMIN_DATABASE_URL)('runService registers in discovery (a real process)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase('announce');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string) {
    const end = Date.now() + 20_000;
    for (;;) {
      const v = await read().catch(() => undefined);
      if (v !== undefined && ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('registered after listen (schema created on first use); SIGTERM deregisters, exit 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/slow-service.ts'], {
      env: {
        PATH: process.env.PATH,
        ...env,
        PORT: String(port),
        INSTANCE_ID: 'gql-1',
        DISCOVERY_DATABASE_URL: db.url,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    const listed = await until(
      () => listInstances(pool),
      (rows) => rows.length === 1,
      'the instance to register',
    );
    expect(listed[0]).toMatchObject({
      service: 'graphql-gateway',
      instanceId: 'gql-1',
      url: `http://127.0.0.1:${port}`,
    });
    expect(listed[0]!.leaseRemainingMs).toBeGreaterThan(5_000);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(await listInstances(pool)).toEqual([]);
  });
});
