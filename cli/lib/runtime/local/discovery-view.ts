import { listInstances } from '../../../../services/platform/discovery/index.js';
import type { HomePaths } from './paths.js';
import { readSharedDatabase, SHARED_READ_BUDGET_MS } from './shared-db-read.js';
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

/**
 * Reads the live registrations (lease not lapsed) from the platform's discovery database,
 * as the discovery role: read-only, one query.
 */
export async function readDiscovery(
  state: RuntimeState,
  paths: HomePaths,
  budgetMs = SHARED_READ_BUDGET_MS,
): Promise<DiscoveryView> {
  const read = await readSharedDatabase(state, paths, 'discovery', listInstances, budgetMs);
  if (!read.ok) return read;
  const instances = new Map<string, RegisteredView[]>();
  for (const r of read.value) {
    const list = instances.get(r.service) ?? [];
    list.push({ instanceId: r.instanceId, url: r.url, leaseRemainingMs: r.leaseRemainingMs });
    instances.set(r.service, list);
  }
  return { ok: true, instances };
}
