import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { listInstances } from '../../../../services/platform/discovery/index.js';
import type { HomePaths } from './paths.js';
import { serviceDatabaseUrl, sharedDatabase } from './postgres/database-names.js';
import type { RuntimeState } from './state.js';

/** One registration as `alphintra status` shows it. */
export interface RegisteredView {
  instanceId: string;
  url: string;
  leaseRemainingMs: number;
}

/** What discovery says, or why it could not be read (status never waits on it for long). */
export type DiscoveryView =
  { ok: true; instances: Map<string, RegisteredView[]> } | { ok: false; error: string };

/** Status must stay quick even when PostgreSQL hangs: connect and query share this budget. */
export const DISCOVERY_READ_BUDGET_MS = 2000;

/**
 * Reads the live registrations (lease not lapsed) from the platform's discovery database,
 * as the discovery role (its password is in keys/db-passwords.json): read-only, one query.
 */
export async function readDiscovery(
  state: RuntimeState,
  paths: HomePaths,
  budgetMs = DISCOVERY_READ_BUDGET_MS,
): Promise<DiscoveryView> {
  if (!state.postgres) return { ok: false, error: 'PostgreSQL not resolved yet' };
  const { database, role } = sharedDatabase('discovery', state.options.dbPrefix);
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
    const rows = await Promise.race([client.connect().then(() => listInstances(client)), budget]);
    const instances = new Map<string, RegisteredView[]>();
    for (const r of rows) {
      const list = instances.get(r.service) ?? [];
      list.push({ instanceId: r.instanceId, url: r.url, leaseRemainingMs: r.leaseRemainingMs });
      instances.set(r.service, list);
    }
    return { ok: true, instances };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return { ok: false, error: String(e.code ?? e.message ?? err) };
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}
