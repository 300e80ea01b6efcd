import fp from 'fastify-plugin';
import pg from 'pg';
import { loadMigrations, migrate, type MigrationResult } from '../migrate.js';
import { prepareParameterisedQueries } from '../pipeline.js';

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
