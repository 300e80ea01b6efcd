import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { platformErrors } from './errors.js';

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationResult {
  readonly applied: readonly string[];
  readonly current: string | null;
}

const FILE = /^(\d{3,})_([a-z0-9_-]+)\.sql$/;

/**
 * Reads `NNN_name.sql` files in version order; a badly named file is an error. A service
 * without a migrations folder has no schema of its own yet.
 */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const files = entries.filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = FILE.exec(file);
    if (!m) throw new Error(`migration file ${file} in ${dir} is not named NNN_name.sql`);
    const sql = await readFile(join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    out.push({ version: m[1]!, name: m[2]!, sql, checksum });
  }
  const versions = new Set(out.map((m) => m.version));
  if (versions.size !== out.length) throw new Error(`duplicate migration versions in ${dir}`);
  return out;
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so that
 * several instances starting at once apply each migration exactly once. A migration whose
 * file changed after it was applied stops the service: history is never rewritten.
 */
export async function migrate(
  pool: Pool,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext(current_database()))');
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const applied: string[] = [];
    for (const m of migrations) {
      const checksum = done.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) {
          throw new platformErrors.ALP_PLATFORM_MIGRATION_CHANGED(`${m.version}_${m.name}`);
        }
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
          [m.version, m.name, m.checksum],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new platformErrors.ALP_PLATFORM_MIGRATION_FAILED(
          `${m.version}_${m.name}`,
          (err as Error).message,
          {
            cause: err,
          },
        );
      }
      applied.push(`${m.version}_${m.name}`);
    }
    const last = migrations.at(-1);
    return { applied, current: last ? last.version : null };
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext(current_database()))').catch(() => {});
    client.release();
  }
}
