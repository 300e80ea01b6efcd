import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { HomePaths } from './paths.js';
import {
  serviceDatabaseUrl,
  sharedDatabase,
  type SharedDatabase,
} from './postgres/database-names.js';
import type { RuntimeState } from './state.js';

/** What a read of a shared database gave, or why it could not be read. */
export type SharedRead<T> = { ok: true; value: T } | { ok: false; error: string };

/** Status must stay quick even when PostgreSQL hangs: connect and query share this budget. */
export const SHARED_READ_BUDGET_MS = 2000;

/**
 * Runs `read` on a shared database (discovery, bus) as its own role, whose password is in
 * keys/db-passwords.json. Never throws and never takes longer than the budget, so
 * `alphintra status` answers whatever PostgreSQL does.
 */
export async function readSharedDatabase<T>(
  state: RuntimeState,
  paths: HomePaths,
  kind: SharedDatabase,
  read: (client: pg.Client) => Promise<T>,
  budgetMs = SHARED_READ_BUDGET_MS,
): Promise<SharedRead<T>> {
  if (!state.postgres) return { ok: false, error: 'PostgreSQL not resolved yet' };
  const { database, role } = sharedDatabase(kind, state.options.dbPrefix);
  let password: string | undefined;
  try {
    const all = JSON.parse(
      await readFile(path.join(paths.keys, 'db-passwords.json'), 'utf8'),
    ) as Record<string, unknown>;
    password = typeof all[role] === 'string' ? all[role] : undefined;
  } catch {
    password = undefined;
  }
  if (password === undefined) return { ok: false, error: `no password for role ${role}` };
  const client = new pg.Client({
    connectionString: serviceDatabaseUrl(state.postgres.url, role, password, database),
    connectionTimeoutMillis: budgetMs,
    query_timeout: budgetMs,
  });
  // A client error after the budget (e.g. the server going away) must not crash the CLI.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${budgetMs} ms`)), budgetMs);
  });
  try {
    const value = await Promise.race([client.connect().then(() => read(client)), budget]);
    return { ok: true, value };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return { ok: false, error: String(e.code ?? e.message ?? err) };
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}
