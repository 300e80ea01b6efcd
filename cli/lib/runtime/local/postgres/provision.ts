import { ExternalError } from '../../../errors.js';

export interface DatabaseSpec {
  database: string;
  role: string;
}

/**
 * One database and one login role per service, the role owning its database, and
 * CONNECT revoked from PUBLIC so that no role can open another service's database.
 * Idempotent: existing roles get their (stored) password set again, existing databases
 * are left as they are. Databases are created in parallel (cold start time).
 */
export async function provisionDatabases(
  adminUrl: string,
  wanted: readonly DatabaseSpec[],
  passwordOf: (role: string) => string,
): Promise<readonly DatabaseSpec[]> {
  // Loaded here, not at the top: status, logs and down never need a PostgreSQL client.
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: adminUrl,
    connectionTimeoutMillis: 5000,
    query_timeout: 60_000,
  });
  try {
    await client.connect();
  } catch (cause) {
    const redacted = new URL(adminUrl);
    redacted.password = redacted.password ? '***' : '';
    throw new ExternalError(
      'ALP_PG_UNREACHABLE',
      `cannot connect to PostgreSQL: ${(cause as Error).message}`,
      {
        target: redacted.toString(),
        suggestions: [
          'check that DATABASE_URL points at a running server with an admin (superuser) role',
        ],
        exit: 'precondition',
        cause,
      },
    );
  }
  try {
    const roles = new Set(
      (
        await client.query<{ rolname: string }>(
          'SELECT rolname FROM pg_roles WHERE rolname = ANY($1)',
          [wanted.map((w) => w.role)],
        )
      ).rows.map((r) => r.rolname),
    );
    const dbs = new Set(
      (
        await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname = ANY($1)',
          [wanted.map((w) => w.database)],
        )
      ).rows.map((r) => r.datname),
    );
    // One round trip for every role statement (simple query protocol, implicit transaction).
    const roleSql = wanted
      .map((w) => {
        const verb = roles.has(w.role) ? 'ALTER' : 'CREATE';
        const pw = client.escapeLiteral(passwordOf(w.role));
        return `${verb} ROLE ${client.escapeIdentifier(w.role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${pw};`;
      })
      .join('\n');
    await client.query(roleSql);
    const missing = wanted.filter((w) => !dbs.has(w.database));
    // CREATE DATABASE cannot run inside a transaction block: one statement per connection.
    await Promise.all(
      missing.map(async (w) => {
        const c = new pg.Client({
          connectionString: adminUrl,
          connectionTimeoutMillis: 5000,
          query_timeout: 60_000,
        });
        await c.connect();
        try {
          await c.query(
            `CREATE DATABASE ${c.escapeIdentifier(w.database)} OWNER ${c.escapeIdentifier(w.role)}`,
          );
        } finally {
          await c.end();
        }
      }),
    );
    // Every run, not only on creation: a database made by hand still ends up locked down.
    await client.query(
      wanted
        .map((w) => {
          const db = client.escapeIdentifier(w.database);
          return `ALTER DATABASE ${db} OWNER TO ${client.escapeIdentifier(w.role)}; REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`;
        })
        .join('\n'),
    );
    return wanted;
  } finally {
    await client.end();
  }
}
