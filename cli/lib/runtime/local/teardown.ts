import { stopEmbeddedPostgres } from './postgres/embedded.js';
import { SHUTDOWN_TIMEOUT_MS } from './env-context.js';
import { processesOfHome } from './home-processes.js';
import { stopProcesses } from './processes.js';
import type { RuntimeState } from './state.js';

export interface TeardownResult {
  stoppedPids: number[];
  /** Processes of the home that state.json did not name (see homeMarker), stopped too. */
  strayPids: number[];
  /** Instances that ignored SIGTERM past the budget and were killed. */
  killedPids: number[];
  postgresStopped: boolean;
}

/** Grace for a service beyond its own shutdown budget before it gets SIGKILL. */
export const STOP_BUDGET_MS = SHUTDOWN_TIMEOUT_MS + 2000;

/**
 * Stops every recorded instance and every other process started for this home, in parallel
 * (each drains on its own), then the embedded PostgreSQL when it lives in this
 * ALPHINTRA_HOME. An external server is never touched.
 */
export async function stopRecorded(
  state: RuntimeState | undefined,
  opts: { stopPostgres: boolean; home: string },
): Promise<TeardownResult> {
  const recorded = (state?.instances ?? []).flatMap((i) => (i.pid === null ? [] : [i.pid]));
  const strayPids = (await processesOfHome(opts.home)).filter((p) => !recorded.includes(p));
  const pids = [...recorded, ...strayPids];
  const killedPids = await stopProcesses(pids, STOP_BUDGET_MS);
  let postgresStopped = false;
  if (opts.stopPostgres && state?.postgres?.kind === 'embedded' && state.postgres.dataDir) {
    postgresStopped = await stopEmbeddedPostgres(state.postgres.dataDir);
  }
  return { stoppedPids: pids, strayPids, killedPids, postgresStopped };
}
