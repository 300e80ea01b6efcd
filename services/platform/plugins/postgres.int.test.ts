import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KitConfig } from '../config.js';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { loadMigrations, migrate } from '../migrate.js';
import { statementName } from '../pipeline.js';
import { healthPlugin } from './health.js';
import { postgresPlugin } from './postgres.js';

async function appWith(
  connectionString: string,
  migrationsDir?: string,
  poolMax?: number,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.register(
    fp(async (i) => void i.decorate('config', { SERVICE_NAME: 'test', PORT: 0 } as KitConfig), {
      name: 'alphintra-config',
    }),
  );
  app.register(healthPlugin, { checkTimeoutMs: 1500 });
  app.register(postgresPlugin, {
    connectionString,
    ...(migrationsDir ? { migrationsDir } : {}),
    ...(poolMax ? { poolMax } : {}),
  });
  await app.ready();
  return app;
}

describe.skipIf(!ADMIN_DATABASE_URL)('postgres plugin (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase('pgplugin');
    dir = await mkdtemp(join(tmpdir(), 'alp-migrations-'));
    await writeFile(
      join(dir, '001_things.sql'),
      'CREATE TABLE things (id int PRIMARY KEY, price numeric(38,18) NOT NULL);',
    );
    await writeFile(join(dir, '002_seed.sql'), "INSERT INTO things VALUES (1, '0.1'), (2, '0.2');");
  });
  afterAll(async () => db?.drop());

  test('applies migrations once, in order, and the service is ready', async () => {
    const app = await appWith(db.url, dir);
    expect(app.migrations).toEqual({ applied: ['001_things', '002_seed'], current: '002' });
    const sum = await app.pg.query<{ s: string }>('SELECT sum(price)::text AS s FROM things');
    expect(sum.rows[0]!.s).toBe('0.300000000000000000');
    const ready = await app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    await app.close();

    const again = await appWith(db.url, dir);
    expect(again.migrations.applied).toEqual([]);
    await again.close();
  });

  test('a parameterised pool query is prepared once per connection; others go as they are', async () => {
    const app = await appWith(db.url, dir, 1);
    try {
      const text = 'SELECT price::text AS p FROM things WHERE id = $1';
      const answers = await Promise.all([1, 2, 1, 2].map((id) => app.pg.query(text, [id])));
      expect(answers.map((a) => a.rows[0].p)).toEqual([
        '0.100000000000000000',
        '0.200000000000000000',
        '0.100000000000000000',
        '0.200000000000000000',
      ]);
      // One connection: the pool's own queries show in its session's prepared statements.
      const { rows } = await app.pg.query<{ statement: string }>(
        'SELECT statement FROM pg_prepared_statements WHERE name = $1',
        [statementName(text)],
      );
      expect(rows).toEqual([{ statement: text }]);
      // Several statements without parameters still run as one text.
      const both = (await app.pg.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as {
        rows: unknown[];
      }[];
      expect(both.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
      // A callback still gets its answer.
      const viaCallback = await new Promise((resolve, reject) =>
        app.pg.query('SELECT $1::int AS n', [7], (err, res) =>
          err ? reject(err) : resolve(res.rows),
        ),
      );
      expect(viaCallback).toEqual([{ n: 7 }]);
    } finally {
      await app.close();
    }
  });

  test('concurrent starters apply each migration exactly once', async () => {
    const other = await createTestDatabase('pgrace');
    try {
      const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: other.url, max: 2 }));
      const migrations = await loadMigrations(dir);
      const results = await Promise.all(pools.map((p) => migrate(p, migrations)));
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 2]);
      const count = await pools[0]!.query('SELECT count(*)::int AS n FROM things');
      expect(count.rows[0].n).toBe(2);
      await Promise.all(pools.map((p) => p.end()));
    } finally {
      await other.drop();
    }
  });

  test('a migration edited after it was applied stops the service', async () => {
    const edited = await mkdtemp(join(tmpdir(), 'alp-migrations-'));
    await writeFile(join(edited, '001_things.sql'), 'CREATE TABLE things (id bigint PRIMARY KEY);');
    await expect(appWith(db.url, edited)).rejects.toMatchObject({
      code: 'ALP_PLATFORM_MIGRATION_CHANGED',
    });
  });

  test('a failing migration is rolled back and named', async () => {
    const other = await createTestDatabase('pgfail');
    const broken = await mkdtemp(join(tmpdir(), 'alp-migrations-'));
    await writeFile(join(broken, '001_ok.sql'), 'CREATE TABLE a (id int);');
    await writeFile(
      join(broken, '002_bad.sql'),
      'CREATE TABLE b (id int); SELECT nope FROM nowhere;',
    );
    try {
      await expect(appWith(other.url, broken)).rejects.toMatchObject({
        code: 'ALP_PLATFORM_MIGRATION_FAILED',
      });
      const c = new pg.Client({ connectionString: other.url });
      await c.connect();
      const tables = await c.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual(['a', 'schema_migrations']);
      await c.end();
    } finally {
      await other.drop();
    }
  });

  test('readiness is 503 with the reason when Postgres is unreachable', async () => {
    const app = Fastify({ logger: false });
    app.register(
      fp(async (i) => void i.decorate('config', { SERVICE_NAME: 'test', PORT: 0 } as KitConfig), {
        name: 'alphintra-config',
      }),
    );
    app.register(healthPlugin, { checkTimeoutMs: 1500 });
    app.register(postgresPlugin, { connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    await app.ready();
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'not_ready',
      checks: { postgres: { ok: false, error: 'ECONNREFUSED' } },
    });
    await app.close();
  });
});
