import { catalog, getService, type ServiceName } from '../../../../services/catalog.js';
import { UserError } from '../../errors.js';
import { buildServiceEnv } from './env.js';
import {
  envContext,
  serviceSocketDir,
  LOCAL_HOST,
  SERVICE_CREDENTIAL_MASTER_FILE,
  serviceRoles,
} from './env-context.js';
import { ensureKeys, ensurePasswords, ensureSecret } from './keys.js';
import { waitInstanceReady } from './launcher.js';
import { isAlive } from './liveness.js';
import { serviceArgv } from './home-processes.js';
import { serviceEntry, type HomePaths } from './paths.js';
import { assertPortsFree } from './port-preflight.js';
import { spawnService, stopProcesses } from './processes.js';
import { classifyState, readState, writeState, type RuntimeState } from './state.js';
import { STOP_BUDGET_MS } from './teardown.js';

export interface ServiceControlResult {
  service: ServiceName;
  action: 'stop' | 'start';
  /** Instances acted on (ids). */
  instances: string[];
  /** Instances that were already in the wanted state. */
  unchanged: string[];
  pids: number[];
}

/** An unknown name is a usage error (exit 2) listing the known ones. */
export function knownService(name: string): ServiceName {
  const spec = getService(name);
  if (!spec) {
    throw new UserError('ALP_CLI_UNKNOWN_SERVICE', `unknown service "${name}"`, {
      exit: 'usage',
      suggestions: [`known services: ${Object.keys(catalog).join(', ')}`],
    });
  }
  return spec.name;
}

async function runningState(paths: HomePaths): Promise<RuntimeState> {
  const state = await readState(paths.state);
  if (state === undefined || state === 'corrupt' || classifyState(state, isAlive) === 'stale') {
    throw new UserError('ALP_RUNTIME_NOT_RUNNING', `no platform is running in ${paths.home}`, {
      suggestions: ['start it first: alphintra up --detach'],
    });
  }
  if (state.phase !== 'running') {
    throw new UserError('ALP_RUNTIME_STARTING', 'the platform is still starting', {
      suggestions: ['wait for `up` to finish, then run the command again'],
    });
  }
  return state;
}

/** Stops every instance of one service of a running platform (resilience tests use it). */
export async function stopService(paths: HomePaths, name: string): Promise<ServiceControlResult> {
  const service = knownService(name);
  const state = await runningState(paths);
  const own = state.instances.filter((i) => i.service === service);
  const live = own.filter((i) => isAlive(i.pid));
  const pids = live.flatMap((i) => (i.pid === null ? [] : [i.pid]));
  await stopProcesses(pids, STOP_BUDGET_MS);
  for (const i of own) i.pid = null;
  await writeState(paths.state, state);
  return {
    service,
    action: 'stop',
    instances: live.map((i) => i.id),
    unchanged: own.filter((i) => !live.includes(i)).map((i) => i.id),
    pids,
  };
}

/**
 * Starts the stopped instances of one service again with the env `up` gave them, and
 * waits until they are ready (same budget as `up`).
 */
export async function startService(
  paths: HomePaths,
  name: string,
  parentEnv: NodeJS.ProcessEnv,
): Promise<ServiceControlResult> {
  const service = knownService(name);
  const state = await runningState(paths);
  const own = state.instances.filter((i) => i.service === service);
  const toStart = own.filter((i) => !isAlive(i.pid));
  if (toStart.length === 0) {
    return { service, action: 'start', instances: [], unchanged: own.map((i) => i.id), pids: [] };
  }
  if (!state.postgres) throw new Error('state.json has no PostgreSQL record');
  await assertPortsFree(
    toStart.map((i) => ({ port: i.port, owner: i.id })),
    state.options.portBase,
  );
  const [keys, passwords, serviceCredentialMaster] = await Promise.all([
    ensureKeys(paths.keys),
    ensurePasswords(paths.keys, serviceRoles(state.options.dbPrefix)),
    ensureSecret(paths.keys, SERVICE_CREDENTIAL_MASTER_FILE),
  ]);
  const ctx = envContext({
    profile: state.options.profile,
    logLevel: state.options.logLevel,
    portBase: state.options.portBase,
    dbPrefix: state.options.dbPrefix,
    serverUrl: state.postgres.url,
    socketDir: state.postgres.socketDir,
    passwords,
    redisUrl: state.redisUrl ?? undefined,
    keys,
    serviceCredentialMaster,
    parentEnv,
    serviceSocketDir: await serviceSocketDir(paths.sockets),
  });
  const entry = serviceEntry();
  const nodeArgsOf = (s: ServiceName): string[] => serviceArgv(entry, s, paths.home);
  const logFileOf = (i: { id: string }): string => own.find((o) => o.id === i.id)?.log ?? '';
  const signal = new AbortController().signal;
  const pids: number[] = [];
  const startOne = async (i: (typeof toStart)[number]): Promise<void> => {
    const s = spawnService(
      nodeArgsOf(service),
      buildServiceEnv(catalog[service], i, ctx).env,
      entry.packageRoot,
      i.log,
    );
    i.pid = s.pid;
    i.startedAt = new Date().toISOString();
    i.restarts += 1;
    pids.push(s.pid);
    await writeState(paths.state, state);
    await waitInstanceReady(i, s, {
      host: LOCAL_HOST,
      budgetMs: state.options.readyTimeoutMs,
      report: () => undefined,
      signal,
      logFileOf,
      nodeArgsOf,
    });
  };
  try {
    // As in `up`: one instance first (its start-up setup must not race a sibling), then the rest.
    const [first, ...rest] = toStart;
    if (first) await startOne(first);
    await Promise.all(rest.map(startOne));
  } catch (err) {
    await stopProcesses(pids, STOP_BUDGET_MS);
    for (const i of toStart) i.pid = null;
    await writeState(paths.state, state);
    throw err;
  }
  return {
    service,
    action: 'start',
    instances: toStart.map((i) => i.id),
    unchanged: own.filter((i) => !toStart.includes(i)).map((i) => i.id),
    pids,
  };
}
