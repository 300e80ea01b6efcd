import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The admin URL integration tests use (set by .ci/run); undefined means "skip". */
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL;
export const REDIS_URL = process.env.REDIS_URL;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A URL for another database on the same server as `adminUrl`. */
export function databaseUrl(
  adminUrl: string,
  database: string,
  user?: string,
  password?: string,
): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  if (user !== undefined) u.username = user;
  if (password !== undefined) u.password = password;
  return u.toString();
}

/**
 * Creates a fresh, uniquely named database on the shared server, so tests (and people) never
 * see each other's data; `drop` removes it, closing whatever is still connected.
 */
export async function createTestDatabase(
  label: string,
  adminUrl = ADMIN_DATABASE_URL,
): Promise<TestDatabase> {
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(adminUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        // pg's pool.end() resolves before its sockets have closed. FORCE would terminate those
        // sessions, and a client that no longer listens for errors turns the termination
        // notice into an uncaught exception; so the sessions get two seconds to leave first.
        for (let waited = 0; waited < 2_000; waited += 50) {
          const { rows } = await c.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Drops every database and role whose name starts with `${prefix}_` (what `alphintra up
 * --db-prefix` created on a shared server), closing whatever is still connected.
 */
export async function dropPrefixedDatabases(adminUrl: string, prefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const like = [`${prefix}\\_%`];
    const dbs = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      like,
    );
    for (const { datname } of dbs.rows)
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
    const roles = await admin.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE rolname LIKE $1',
      like,
    );
    for (const { rolname } of roles.rows)
      await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(rolname)}`);
  } finally {
    await admin.end();
  }
}

/**
 * Deadlocks PostgreSQL has detected in the pool's database so far. The statistics are
 * reported asynchronously: wait a moment after the work before reading the count again.
 */
export async function deadlocksIn(pool: Pick<pg.Pool, 'query'>): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT deadlocks::text AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(rows[0]!.n);
}

/**
 * The indexes of each table, by name, sorted: every index costs each insert (and each update
 * that is not HOT) an entry, so schema tests pin the indexes of the tables an order writes.
 */
export async function indexesOf(
  pool: Pick<pg.Pool, 'query'>,
  tables: readonly string[],
): Promise<Record<string, string[]>> {
  const { rows } = await pool.query<{ table: string; indexes: string[] }>(
    `SELECT tablename AS table, array_agg(indexname::text ORDER BY indexname) AS indexes
       FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[])
      GROUP BY tablename`,
    [tables],
  );
  return Object.fromEntries(rows.map((r) => [r.table, r.indexes]));
}

/**
 * The columns of each table ANALYZE skips (statistics target 0), sorted: payload columns no
 * query filters on, which would otherwise cost every autovacuum pass a sort of their values.
 */
export async function columnsWithoutStatistics(
  pool: Pick<pg.Pool, 'query'>,
  tables: readonly string[],
): Promise<Record<string, string[]>> {
  const { rows } = await pool.query<{ table: string; columns: string[] }>(
    `SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attname) AS columns
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attstattarget = 0
      GROUP BY c.relname`,
    [tables],
  );
  return Object.fromEntries(rows.map((r) => [r.table, r.columns]));
}
