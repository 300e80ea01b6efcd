import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  databaseUrl,
  type TestDatabase,
} from '../../../test/support/database.js';
import { createPgRegistry } from './pg-registry.js';
import { createPgResolver, type PgResolver } from './pg-resolver.js';
import { startRegistration } from './registration.js';
import { ensureDiscoverySchema } from './schema.js';
import type { Registry, ServiceInstance } from './types.js';

/** Polls until `check` holds (bounded; the bound is a hang guard, not a timing assertion). */
async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  budgetMs = 10_000,
) {
  const end = Date.now() + budgetMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const inst = (id: string, service = 'trading'): ServiceInstance => ({
  service,
  instanceId: id,
  url: `http://127.0.0.1:1/${id}`,
});

describe.skipIf(!ADMIN_DATABASE_URL)('discovery on PostgreSQL (real server)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let registry: Registry;
  let resolver: PgResolver;
  let reloads = 0;
  let url: string;
  const role = `t_discovery_${randomBytes(4).toString('hex')}`;

  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    // As at runtime: the registry database is owned by an unprivileged `discovery`-like role.
    db = await createTestDatabase('discovery');
    await admin(`CREATE ROLE "${role}" LOGIN`);
    await admin(`ALTER DATABASE "${db.name}" OWNER TO "${role}"`);
    url = databaseUrl(ADMIN_DATABASE_URL!, db.name, role);
    pool = new pg.Pool({ connectionString: url, max: 3 });
    await Promise.all([ensureDiscoverySchema(pool), ensureDiscoverySchema(pool)]);
    registry = createPgRegistry(pool);
    // A long refresh period: changes must arrive through NOTIFY, not the timer.
    resolver = await createPgResolver({
      connectionString: url,
      refreshMs: 60_000,
      reconnectMs: 50,
      onReload: () => (reloads += 1),
    });
  });
  afterAll(async () => {
    await resolver?.close();
    await pool?.end();
    await db?.drop();
    await admin(`DROP ROLE IF EXISTS "${role}"`);
  });

  const ids = (service: string) =>
    resolver
      .instances(service)
      .map((i) => i.instanceId)
      .sort();

  test('registrations reach the resolver through NOTIFY; lookups round-robin', async () => {
    await registry.register(inst('t1'), 30_000);
    await registry.register(inst('t2'), 30_000);
    await registry.register(inst('t3'), 30_000);
    await eventually(() => ids('trading').length === 3, 'three trading instances');
    const picks = Array.from({ length: 6 }, () => resolver.resolve('trading')!.instanceId);
    expect(picks.slice(0, 3).sort()).toEqual(['t1', 't2', 't3']);
    expect(picks.slice(3)).toEqual(picks.slice(0, 3));
    expect(resolver.resolve('risk')).toBeNull();
  });

  test('deregistration removes the instance from the view', async () => {
    await registry.deregister('trading', 't3');
    await eventually(() => ids('trading').join() === 't1,t2', 't3 gone');
    expect(ids('trading')).toEqual(['t1', 't2']);
  });

  test('a lapsed lease drops the instance even though its row remains; evictExpired deletes it', async () => {
    await registry.register(inst('short', 'risk'), 300);
    await eventually(() => ids('risk').includes('short'), 'short registered');
    await eventually(() => resolver.resolve('risk') === null, 'short lease lapsed');
    expect((await registry.list()).some((i) => i.instanceId === 'short')).toBe(false);
    expect(await registry.evictExpired()).toBe(1);
  });

  test('heartbeat extends the lease; after eviction it reports false', async () => {
    await registry.register(inst('hb', 'broker'), 1_000);
    expect(await registry.heartbeat('broker', 'hb', 60_000)).toBe(true);
    const listed = (await registry.list()).find((i) => i.instanceId === 'hb')!;
    expect(listed.leaseRemainingMs).toBeGreaterThan(50_000);
    await registry.deregister('broker', 'hb');
    expect(await registry.heartbeat('broker', 'hb', 60_000)).toBe(false);
  });

  test('startRegistration: heartbeats keep it alive past the lease, re-registers after eviction, stop() deregisters', async () => {
    const reg = await startRegistration(registry, inst('life', 'strategy'), {
      leaseMs: 1_000,
      heartbeatMs: 100,
    });
    await eventually(() => ids('strategy').includes('life'), 'life registered');
    // Outlive two leases (heartbeats may be late by up to 900 ms on a loaded machine).
    await new Promise((r) => setTimeout(r, 2_000));
    await resolver.reload();
    expect(ids('strategy')).toEqual(['life']);
    await pool.query(`DELETE FROM service_instances WHERE instance_id = 'life'`);
    await eventually(
      async () => (await registry.list()).some((i) => i.instanceId === 'life'),
      're-registered',
    );
    await reg.stop();
    await eventually(() => ids('strategy').length === 0, 'deregistered on stop');
  });

  test('the resolver reconnects its LISTEN connection and keeps receiving changes', async () => {
    const killed = await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(killed.rowCount).toBe(1);
    await eventually(async () => {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
      );
      return rowCount === 1;
    }, 'LISTEN re-established');
    await registry.register(inst('after', 'notification'), 30_000);
    await eventually(() => ids('notification').includes('after'), 'change seen after reconnect');
    expect(reloads).toBeGreaterThan(0);
  });

  test('a lookup does no I/O: resolve() is synchronous and triggers no registry read', async () => {
    const before = reloads;
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i += 1) {
      const r = resolver.resolve('trading');
      expect(r).not.toBeInstanceOf(Promise);
      seen.add(r!.instanceId);
    }
    expect([...seen].sort()).toEqual(['t1', 't2']);
    expect(reloads).toBe(before);
  });
});
