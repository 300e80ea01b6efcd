import path from 'node:path';
import { readdir, rm } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import { isAlive } from './liveness.js';
import type { HomePaths } from './paths.js';
import { stopEmbeddedPostgres } from './postgres/embedded.js';
import { readState, removeState } from './state.js';
import { STOP_BUDGET_MS, stopRecorded } from './teardown.js';

export interface DownResult {
  wasRunning: boolean;
  home: string;
  stopped: string[];
  /** Instances that had to be killed after the stop budget. */
  killed: string[];
  postgresStopped: boolean;
  purged: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Refuses to delete a home that holds anything the runtime did not put there: what it puts
 * there is exactly the HomePaths entries directly inside the home (state, logs, keys, ...).
 */
async function assertPurgeable(paths: HomePaths): Promise<void> {
  const { home } = paths;
  const ours = new Set(
    Object.values(paths)
      .filter((p) => path.dirname(p) === home)
      .map((p) => path.basename(p)),
  );
  const entries = await readdir(home).catch(() => [] as string[]);
  const foreign = entries.filter((e) => !ours.has(e) && !e.startsWith('state.json.'));
  if (foreign.length > 0) {
    throw new UserError(
      'ALP_RUNTIME_PURGE_REFUSED',
      `${home} holds files alphintra did not create; not deleting it`,
      {
        problems: foreign.slice(0, 10).map((f) => `unexpected entry: ${f}`),
        suggestions: ['check ALPHINTRA_HOME, or remove the directory by hand'],
      },
    );
  }
}

/**
 * `alphintra down`: stops the recorded platform (a foreground `up` is asked to stop itself),
 * stops the embedded PostgreSQL, keeps data unless `purge`.
 */
export async function runDown(paths: HomePaths, opts: { purge: boolean }): Promise<DownResult> {
  if (opts.purge) await assertPurgeable(paths);
  let state = await readState(paths.state);
  if (state === 'corrupt') {
    await removeState(paths.state);
    state = undefined;
  }
  const result: DownResult = {
    wasRunning: false,
    home: paths.home,
    stopped: [],
    killed: [],
    postgresStopped: false,
    purged: false,
  };
  const alive = state?.instances.filter((i) => isAlive(i.pid)) ?? [];
  // A foreground (or still starting) `up` owns its processes: ask it to stop them.
  if (state !== undefined && state.cliPid !== process.pid && isAlive(state.cliPid)) {
    result.wasRunning = true;
    try {
      process.kill(state.cliPid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
    const deadline = Date.now() + STOP_BUDGET_MS + 5000;
    while (Date.now() < deadline && isAlive(state.cliPid)) await sleep(50);
  }
  // Then whatever is left: the recorded instances, and any process of this home a killed `up`
  // did not get to record (or whose state.json is gone).
  const pidToId = new Map(state?.instances.map((i) => [i.pid, i.id]));
  const stopped = await stopRecorded(state, { stopPostgres: true, home: paths.home });
  const strays = stopped.strayPids.map((p) => `pid ${p} (not in state.json)`);
  result.wasRunning ||= alive.length > 0 || strays.length > 0;
  result.stopped = [...alive.map((i) => i.id), ...strays];
  result.killed = stopped.killedPids.map((p) => pidToId.get(p) ?? `pid ${p}`);
  result.postgresStopped = stopped.postgresStopped;
  if (state !== undefined) await removeState(paths.state);
  // An embedded PostgreSQL left behind (e.g. after a crash) is ours too.
  if (await stopEmbeddedPostgres(paths.pgData)) result.postgresStopped = true;
  if (opts.purge) {
    await rm(paths.home, { recursive: true, force: true });
    // The data may live outside the home (see pgDataDir); purge means all of it.
    if (!paths.pgData.startsWith(paths.home + path.sep)) {
      await rm(path.dirname(paths.pgData), { recursive: true, force: true });
    }
    result.purged = true;
  }
  return result;
}
