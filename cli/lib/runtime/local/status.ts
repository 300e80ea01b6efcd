import { SERVICE_NAMES, type ServiceName } from '../../../../services/catalog.js';
import { LOCAL_HOST } from './env-context.js';
import { readEvents, type EventsView } from './bus-view.js';
import { readDiscovery, type DiscoveryView, type RegisteredView } from './discovery-view.js';
import { isAlive } from './liveness.js';
import { memoryFrom, memoryOf, postmasterTree, readMemory, type MemoryUse } from './memory.js';
import { MS_PER_TICK, statOf } from './proc-stat.js';
import type { HomePaths } from './paths.js';
import { probeReady, readyUrl } from './readiness.js';
import { classifyState, instanceUrl, readState, type RuntimeState } from './state.js';

export interface InstanceStatus {
  id: string;
  index: number;
  port: number;
  url: string;
  pid: number | null;
  alive: boolean;
  ready: boolean;
  /** Why not ready: `stopped`, `503 (postgres: ECONNREFUSED)`, ... */
  detail: string;
  uptimeS: number | null;
  /** CPU time used since it started (user + system, seconds); null when not running. */
  cpuS: number | null;
  /** Its memory now; null when not running (or not measurable). */
  memory: MemoryUse | null;
  restarts: number;
  log: string;
}

export interface ServiceStatus {
  name: ServiceName;
  ready: boolean;
  urls: string[];
  pids: number[];
  instances: InstanceStatus[];
  /** What discovery lists for this service (lease not lapsed); absent when it could not be read. */
  registered?: RegisteredView[];
}

export interface PlatformStatus {
  running: boolean;
  home: string;
  phase: RuntimeState['phase'] | null;
  mode: RuntimeState['mode'] | null;
  startedAt: string | null;
  portBase: number | null;
  /** The `up` that wrote the state (it streams logs in foreground mode); null when not running. */
  cli: { pid: number; alive: boolean } | null;
  allReady: boolean;
  postgres: {
    kind: 'embedded' | 'external';
    url: string;
    pid: number | null;
    alive: boolean | null;
  } | null;
  redis: string | null;
  /** Live memory of the services and the embedded PostgreSQL (null when not measurable). */
  memory: { services: MemoryUse | null; postgres: MemoryUse | null } | null;
  services: ServiceStatus[];
  /** Whether the discovery registry could be read (and why not); absent when not running. */
  discovery?: { ok: true; registered: number } | { ok: false; error: string };
  /** The event bus: deliveries waiting per queue and dead letters; absent when not running. */
  events?: EventsView;
}

/** A URL with any password replaced, for display. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** Status from a state object, probing every instance's /health/ready live (in parallel). */
export async function statusOf(
  state: RuntimeState,
  home: string,
  now = Date.now(),
  paths?: HomePaths,
): Promise<PlatformStatus> {
  // Read in parallel with the probes; bounded by its own budget, never fails the command.
  const discoveryRead: Promise<DiscoveryView | undefined> =
    paths && state.postgres ? readDiscovery(state, paths) : Promise.resolve(undefined);
  const eventsRead: Promise<EventsView | undefined> =
    paths && state.postgres ? readEvents(state, paths) : Promise.resolve(undefined);
  // Each running service process's memory, read once: per instance and summed below.
  const memory = await readMemory(
    state.instances.flatMap((i) => (i.pid !== null && isAlive(i.pid) ? [i.pid] : [])),
  );
  const instances = await Promise.all(
    state.instances.map(async (i) => {
      const alive = isAlive(i.pid);
      const probe = alive
        ? await probeReady(readyUrl(LOCAL_HOST, i.port), 1000)
        : { ready: false, detail: 'stopped' };
      const status: InstanceStatus & { service: ServiceName } = {
        service: i.service,
        id: i.id,
        index: i.index,
        port: i.port,
        url: instanceUrl(i),
        pid: alive ? i.pid : null,
        alive,
        ready: probe.ready,
        detail: probe.ready ? 'ready' : probe.detail,
        uptimeS:
          alive && i.startedAt
            ? Math.max(0, Math.round((now - Date.parse(i.startedAt)) / 1000))
            : null,
        cpuS: alive && i.pid !== null ? await cpuSecondsOf(i.pid) : null,
        memory: alive && i.pid !== null ? (memoryFrom(memory, [i.pid]) ?? null) : null,
        restarts: i.restarts,
        log: i.log,
      };
      return status;
    }),
  );
  const services: ServiceStatus[] = SERVICE_NAMES.filter((n) =>
    instances.some((i) => i.service === n),
  ).map((name) => {
    const own = instances.filter((i) => i.service === name).map(({ service: _s, ...rest }) => rest);
    return {
      name,
      ready: own.every((i) => i.ready),
      urls: own.map((i) => i.url),
      pids: own.flatMap((i) => (i.pid === null ? [] : [i.pid])),
      instances: own,
    };
  });
  const [discovery, events] = await Promise.all([discoveryRead, eventsRead]);
  if (discovery?.ok) {
    for (const s of services) s.registered = discovery.instances.get(s.name) ?? [];
  }
  const pg = state.postgres;
  const pgAlive = pg?.kind === 'embedded' && isAlive(pg.pid);
  const servicesMemory = memoryFrom(
    memory,
    services.flatMap((s) => s.pids),
  );
  const postgresMemory =
    pgAlive && pg.pid !== undefined ? await postmasterTree(pg.pid).then(memoryOf) : undefined;
  return {
    running: classifyState(state, isAlive) !== 'stale',
    home,
    phase: state.phase,
    mode: state.mode,
    startedAt: state.startedAt,
    portBase: state.options.portBase,
    cli: { pid: state.cliPid, alive: isAlive(state.cliPid) },
    allReady: services.length > 0 && services.every((s) => s.ready),
    postgres: pg
      ? {
          kind: pg.kind,
          url: pg.url,
          pid: pg.pid ?? null,
          alive: pg.kind === 'embedded' ? isAlive(pg.pid) : null,
        }
      : null,
    redis: state.redisUrl ? redactUrl(state.redisUrl) : null,
    memory: { services: servicesMemory ?? null, postgres: postgresMemory ?? null },
    services,
    ...(discovery && {
      discovery: discovery.ok
        ? {
            ok: true as const,
            registered: [...discovery.instances.values()].reduce((n, l) => n + l.length, 0),
          }
        : { ok: false as const, error: discovery.error },
    }),
    ...(events && { events }),
  };
}

export function notRunning(home: string): PlatformStatus {
  return {
    running: false,
    home,
    phase: null,
    mode: null,
    startedAt: null,
    portBase: null,
    cli: null,
    allReady: false,
    postgres: null,
    redis: null,
    memory: null,
    services: [],
  };
}

/** `alphintra status`: the recorded platform, probed live; `running: false` when none. */
export async function getStatus(paths: HomePaths): Promise<PlatformStatus> {
  const state = await readState(paths.state);
  if (state === undefined || state === 'corrupt') return notRunning(paths.home);
  return statusOf(state, paths.home, Date.now(), paths);
}

/** CPU seconds a process has used (user + system), or null when it cannot be read. */
async function cpuSecondsOf(pid: number): Promise<number | null> {
  const stat = await statOf(pid);
  return stat ? Math.round(stat.own * MS_PER_TICK) / 1000 : null;
}
