import { stopEmbeddedPostgres } from './postgres/embedded.js';
import { SHUTDOWN_TIMEOUT_MS } from './env-context.js';
import { stopProcesses } from './processes.js';
import type { RuntimeState } from './state.js';

export interface TeardownResult {
  stoppedPids: number[];
  /** Instances that ignored SIGTERM past the budget and were killed. */
  killedPids: number[];
  postgresStopped: boolean;
}

/** Grace for a service beyond its own shutdown budget before it gets SIGKILL. */
export const STOP_BUDGET_MS = SHUTDOWN_TIMEOUT_MS + 2000;

/**
 * Stops every recorded instance (in parallel: each drains on its own) and then the
 * embedded PostgreSQL when it lives in this ALPHINTRA_HOME. An external server is never
 * touched.
 */
export async function stopRecorded(
  state: RuntimeState,
  opts: { stopPostgres: boolean },
): Promise<TeardownResult> {
  const pids = state.instances.flatMap((i) => (i.pid === null ? [] : [i.pid]));
  const killedPids = await stopProcesses(pids, STOP_BUDGET_MS);
  let postgresStopped = false;
  if (opts.stopPostgres && state.postgres?.kind === 'embedded' && state.postgres.dataDir) {
    postgresStopped = await stopEmbeddedPostgres(state.postgres.dataDir);
  }
  return { stoppedPids: pids, killedPids, postgresStopped };
}
