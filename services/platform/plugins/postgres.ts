import fp from 'fastify-plugin';
import pg from 'pg';
import { loadMigrations, migrate, type MigrationResult } from '../migrate.js';
import { prepared } from '../pipeline.js';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
    migrations: MigrationResult;
  }
}

export interface PostgresOptions {
  connectionString: string;
  /** Folder of `NNN_name.sql` files applied before the service takes traffic. */
  migrationsDir?: string;
  poolMax?: number;
  /** Server-side bound on any one statement, so a stuck query cannot hold a request forever. */
  statementTimeoutMs?: number;
}

/**
 * Makes `pool.query` prepare each parameterised statement once per connection, under the name
 * `statementName` gives its text, as transactions already do: PostgreSQL then skips parsing
 * and analysis on later runs, and planning too once its plan cache finds a generic plan no
 * worse than the custom ones. Reads outside a transaction (a profile, an order page) paid all
 * three on every request. A query without parameters may hold several statements (the simple
 * protocol allows that, a prepared statement does not) and goes as it is.
 */
export function prepareParameterisedQueries(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const [text, values, callback] = args;
    return typeof text === 'string' &&
      Array.isArray(values) &&
      values.length > 0 &&
      callback === undefined
      ? query(prepared(text, values))
      : query(...args);
  }) as typeof pool.query;
}

/**
 * A pg pool with bounded waits, the service's migrations applied at registration (so the
 * service is never ready on an old schema), a readiness check, and the pool closed on close.
 */
export const postgresPlugin = fp<PostgresOptions>(
  async (app, opts) => {
    const pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: opts.statementTimeoutMs ?? 10_000,
      application_name: app.config.SERVICE_NAME,
    });
    prepareParameterisedQueries(pool);
    // An idle client losing its connection must not crash the process; readiness reports it.
    pool.on('error', (err) => app.log.warn({ err }, 'idle postgres client failed'));
    app.decorate('pg', pool);
    app.addHook('onClose', async () => {
      await pool.end();
    });

    let result: MigrationResult = { applied: [], current: null };
    if (opts.migrationsDir) {
      result = await migrate(pool, await loadMigrations(opts.migrationsDir));
      if (result.applied.length > 0)
        app.log.info({ applied: result.applied }, 'migrations applied');
    }
    app.decorate('migrations', result);

    app.health.addCheck('postgres', async () => {
      await pool.query('SELECT 1');
    });
  },
  {
    name: 'alphintra-postgres',
    fastify: '5.x',
    dependencies: ['alphintra-health', 'alphintra-config'],
  },
);
