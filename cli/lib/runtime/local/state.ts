import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceName } from '../../../../services/catalog.js';
import { LOCAL_HOST } from './env-context.js';
import type { UpOptions } from './options.js';

/** One running (or stopped) process of a service, as recorded in state.json. */
export interface InstanceState {
  service: ServiceName;
  index: number;
  id: string;
  port: number;
  /** null while not running (stopped with `service stop`, or not started yet). */
  pid: number | null;
  startedAt: string | null;
  log: string;
  /** Times this instance was started again after the first start (`service start`). */
  restarts: number;
}

export interface PostgresState {
  kind: 'embedded' | 'external';
  host: string;
  port: number;
  /** The server URL without credentials; a service URL is this plus its role and database. */
  url: string;
  /** Embedded only: the postmaster pid and data directory. */
  pid?: number;
  dataDir?: string;
  /** Embedded only: its Unix socket directory; services on this machine connect through it. */
  socketDir?: string;
  /** Whether this platform started the server (and so `down` stops it). */
  startedByUs: boolean;
}

export interface RuntimeState {
  version: 1;
  /** `starting` while `up` runs; `running` once every service answered ready. */
  phase: 'starting' | 'running';
  mode: 'detached' | 'foreground';
  /** The `up` process; in foreground mode it owns the services. */
  cliPid: number;
  startedAt: string;
  options: Pick<
    UpOptions,
    'portBase' | 'dbPrefix' | 'profile' | 'logLevel' | 'readyTimeoutMs' | 'scale'
  >;
  /** Kept so that `service start` can rebuild the same env; the file is mode 0600. */
  redisUrl: string | null;
  /** null until PostgreSQL is resolved (the claim is written before it starts). */
  postgres: PostgresState | null;
  instances: InstanceState[];
}

export async function readState(file: string): Promise<RuntimeState | 'corrupt' | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<RuntimeState>;
    return parsed.version === 1 && Array.isArray(parsed.instances)
      ? (parsed as RuntimeState)
      : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

/** Atomic replace (write a temp file, rename), so a reader never sees half a file. */
export async function writeState(file: string, state: RuntimeState): Promise<void> {
  writeStateSync(file, state);
}

/**
 * writeState, synchronously: the file holds the state before any other code runs. `up`
 * records each pid this way right after its spawn, so a CLI that dies at any later point
 * (a crash, SIGKILL) leaves no process that `down` does not know of.
 */
export function writeStateSync(file: string, state: RuntimeState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * Claims the state file for a new `up`: fails with EEXIST when one exists, so two `up`s
 * racing each other cannot both start a platform.
 */
export async function claimState(file: string, state: RuntimeState): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export async function removeState(file: string): Promise<void> {
  await rm(file, { force: true });
}

export type StateLiveness = 'running' | 'starting' | 'stale';

/**
 * Is the recorded platform still there? Running when any instance is alive; starting when
 * only the `up` that wrote it is alive (it has not spawned anything yet); stale otherwise.
 */
export function classifyState(
  state: RuntimeState,
  alive: (pid: number | null) => boolean,
): StateLiveness {
  if (state.instances.some((i) => alive(i.pid))) return 'running';
  if (state.phase === 'starting' && alive(state.cliPid)) return 'starting';
  if (state.mode === 'foreground' && alive(state.cliPid)) return 'running';
  return 'stale';
}

/** The base URL of one recorded instance (services listen on loopback). */
export function instanceUrl(instance: Pick<InstanceState, 'port'>): string {
  return `http://${LOCAL_HOST}:${instance.port}`;
}

/**
 * The base URL of `service` in a state: its first live instance (by index); with
 * `orStopped`, else its first recorded one (a stopped service keeps its address, so a test
 * can see it refuse). Undefined when there is none.
 */
export function serviceUrl(
  state: RuntimeState,
  service: ServiceName,
  alive: (pid: number | null) => boolean,
  orStopped = false,
): string | undefined {
  const recorded = state.instances
    .filter((i) => i.service === service)
    .sort((a, b) => a.index - b.index);
  const instance = recorded.find((i) => alive(i.pid)) ?? (orStopped ? recorded[0] : undefined);
  return instance && instanceUrl(instance);
}
