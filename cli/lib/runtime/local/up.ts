import { existsSync } from 'node:fs';
import { catalog, SERVICE_NAMES, type ServiceName } from '../../../../services/catalog.js';
import { UserError } from '../../errors.js';
import { buildServiceEnv } from './env.js';
import {
  envContext,
  serviceSocketDir,
  LOCAL_HOST,
  platformDatabases,
  SERVICE_CREDENTIAL_MASTER_FILE,
  serviceRoles,
} from './env-context.js';
import type { UpReporter } from './events.js';
import { ensureKeys, ensurePasswords, ensureSecret } from './keys.js';
import { Cancelled, launchAll } from './launcher.js';
import { isAlive } from './liveness.js';
import type { UpOptions } from './options.js';
import { processesOfHome, serviceArgv } from './home-processes.js';
import { stopProcesses } from './processes.js';
import { logFileOf, serviceCommand, serviceEntry, type HomePaths } from './paths.js';
import { planInstances, type InstancePlan } from './port-plan.js';
import { assertPortsFree, type PortNeed } from './port-preflight.js';
import { serverUrlOf } from './postgres/database-names.js';
import { runningPostmaster, startEmbeddedPostgres } from './postgres/embedded.js';
import { provisionDatabases } from './postgres/provision.js';
import {
  classifyState,
  claimState,
  readState,
  removeState,
  writeStateSync,
  type RuntimeState,
} from './state.js';
import { statusOf, type PlatformStatus } from './status.js';
import { STOP_BUDGET_MS, stopRecorded } from './teardown.js';

/** Superuser password key in keys/db-passwords.json (not a valid role name, so no clash). */
const SUPERUSER_KEY = '@embedded-superuser';

export interface UpIo {
  report: UpReporter;
  signal: AbortSignal;
  parentEnv: NodeJS.ProcessEnv;
}

export interface StartedPlatform {
  alreadyRunning: boolean;
  status: PlatformStatus;
  notes: string[];
  postgres: { kind: 'embedded' | 'external'; url: string; initialised: boolean } | null;
  timings: { totalMs: number; postgresMs: number; servicesMs: number };
  /** Catalog variables no provider or CLI env var gave a value (left to the service's defaults). */
  unsetEnv: string[];
  /** The state as written; foreground mode stops from it. */
  state: RuntimeState;
}

/** Notes on what runs without Redis, printed by `up` (ARCHITECTURE.md §4). */
export function redisNote(redisUrl: string | undefined): string {
  const users = SERVICE_NAMES.filter((n) => catalog[n].redis === 'optional');
  const who = users.length === 1 ? `${users.join('')} keeps` : `${users.join(', ')} keep`;
  return redisUrl
    ? `Redis: ${users.join(', ')} ${users.length === 1 ? 'uses' : 'use'} REDIS_URL for shared rate-limit counters`
    : `Redis: none (REDIS_URL unset): ${who} rate-limit counters in process, per instance; with --scale each instance counts on its own, and counters reset on restart`;
}

function missingEntries(): string[] {
  const entry = serviceEntry();
  return SERVICE_NAMES.map((n) => serviceCommand(entry, n).at(-1) ?? '').filter(
    (f) => !existsSync(f),
  );
}

function initialState(
  options: UpOptions,
  plan: InstancePlan[],
  paths: HomePaths,
  mode: RuntimeState['mode'],
): RuntimeState {
  return {
    version: 1,
    phase: 'starting',
    mode,
    cliPid: process.pid,
    startedAt: new Date().toISOString(),
    options: {
      portBase: options.portBase,
      dbPrefix: options.dbPrefix,
      profile: options.profile,
      logLevel: options.logLevel,
      readyTimeoutMs: options.readyTimeoutMs,
      scale: options.scale,
    },
    redisUrl: options.redisUrl ?? null,
    postgres: null,
    instances: plan.map((i) => ({
      service: i.service,
      index: i.index,
      id: i.id,
      port: i.port,
      pid: null,
      startedAt: null,
      log: logFileOf(paths, i.service, i.index),
      restarts: 0,
    })),
  };
}

/**
 * Brings the local platform up and returns once every instance is ready (or reports that
 * one is already running). Nothing is started before every precondition holds: config,
 * build output, free ports. On any failure or cancel, whatever was started is stopped.
 */
export async function startPlatform(
  options: UpOptions,
  paths: HomePaths,
  io: UpIo,
  mode: RuntimeState['mode'],
): Promise<StartedPlatform> {
  const t0 = Date.now();
  const notes: string[] = [];

  const existing = await readState(paths.state);
  if (existing === 'corrupt') {
    await removeState(paths.state);
    notes.push(`removed an unreadable state file (${paths.state})`);
  } else if (existing !== undefined) {
    // An `up` that died while starting (a crash, SIGKILL) left part of a platform: stop what it
    // recorded and start afresh, rather than call the half platform running.
    const interrupted = existing.phase === 'starting' && !isAlive(existing.cliPid);
    if (interrupted) {
      // Only what it recorded: until this `up` holds the claim, a process of the home that no
      // state names may be a concurrent `up`'s. Real leftovers are stopped below, after it.
      const alive = existing.instances.flatMap((i) =>
        i.pid !== null && isAlive(i.pid) ? [i.pid] : [],
      );
      await stopProcesses(alive, STOP_BUDGET_MS);
      notes.push(
        `stopped ${alive.length} processes an interrupted \`up\` (pid ${existing.cliPid}) had started`,
      );
    } else if (classifyState(existing, isAlive) !== 'stale') {
      return {
        alreadyRunning: true,
        status: await statusOf(existing, paths.home),
        notes: [`the platform in ${paths.home} is already running; nothing was started`],
        postgres: existing.postgres
          ? { kind: existing.postgres.kind, url: existing.postgres.url, initialised: false }
          : null,
        timings: { totalMs: Date.now() - t0, postgresMs: 0, servicesMs: 0 },
        unsetEnv: [],
        state: existing,
      };
    }
    if (!interrupted) notes.push('cleaned a stale state file (its processes were gone)');
    await removeState(paths.state);
  }

  const missing = missingEntries();
  if (missing.length > 0) {
    throw new UserError(
      'ALP_RUNTIME_BUILD_MISSING',
      'service entry points are missing; nothing was started',
      {
        problems: missing.map((f) => `missing ${f}`),
        suggestions: ['run npm run build (or use bin/dev.js to run from sources)'],
      },
    );
  }

  const plan = planInstances(options.portBase, options.scale);
  const embedded = options.databaseUrl === undefined;
  const pgRunning = embedded ? await runningPostmaster(paths.pgData) : undefined;
  const needs: PortNeed[] = plan.map((i) => ({
    port: i.port,
    owner: i.index === 0 ? i.service : `${i.service} (instance ${i.index})`,
  }));
  if (embedded && !pgRunning) needs.push({ port: options.pgPort, owner: 'embedded PostgreSQL' });

  const state = initialState(options, plan, paths, mode);
  if (!(await claimState(paths.state, state))) {
    const other = await readState(paths.state);
    if (other !== undefined && other !== 'corrupt') {
      return {
        alreadyRunning: true,
        status: await statusOf(other, paths.home),
        notes: ['another `up` is starting this platform; nothing was started'],
        postgres: null,
        timings: { totalMs: Date.now() - t0, postgresMs: 0, servicesMs: 0 },
        unsetEnv: [],
        state: other,
      };
    }
    throw new UserError('ALP_RUNTIME_STATE_BUSY', `could not claim ${paths.state}`, {
      suggestions: ['run the command again'],
    });
  }

  // Synchronous, so writes land in order and a spawned pid is on disk before anything else
  // runs (each write is a rename of a full snapshot).
  const save = (): void => writeStateSync(paths.state, state);

  let pgStartedByUs = false;
  try {
    // Processes of this home that no state names were left by an `up` killed between a spawn
    // and its record. Stopped only now, holding the claim: no other `up` can be spawning.
    const strays = await processesOfHome(paths.home);
    if (strays.length > 0) {
      await stopProcesses(strays, STOP_BUDGET_MS);
      notes.push(
        `stopped ${strays.length} service processes of ${paths.home} that no state.json named (pids ${strays.join(', ')})`,
      );
    }
    await assertPortsFree(needs, options.portBase);
    io.report({
      type: 'step',
      step: 'keys',
      status: 'start',
      message: 'signing keys and database passwords',
    });
    const roles = serviceRoles(options.dbPrefix);
    const [keys, passwords, serviceCredentialMaster] = await Promise.all([
      ensureKeys(paths.keys),
      ensurePasswords(paths.keys, embedded ? [...roles, SUPERUSER_KEY] : roles),
      ensureSecret(paths.keys, SERVICE_CREDENTIAL_MASTER_FILE),
    ]);
    io.report({
      type: 'step',
      step: 'keys',
      status: 'done',
      message: keys.created
        ? `created signing keys in ${paths.keys}`
        : `signing keys reused from ${paths.keys}`,
    });

    const tPg = Date.now();
    io.report({
      type: 'step',
      step: 'postgres',
      status: 'start',
      message: embedded ? 'embedded PostgreSQL' : 'PostgreSQL from DATABASE_URL',
    });
    let adminUrl: string;
    let initialised = false;
    if (embedded) {
      const pg = await startEmbeddedPostgres({
        dataDir: paths.pgData,
        logFile: paths.pgLog,
        port: options.pgPort,
        superuserPassword: passwords[SUPERUSER_KEY] ?? '',
      });
      pgStartedByUs = pg.startedByUs;
      initialised = pg.initialised;
      adminUrl = pg.adminUrl;
      state.postgres = {
        kind: 'embedded',
        host: LOCAL_HOST,
        port: pg.port,
        url: serverUrlOf(pg.adminUrl),
        pid: pg.pid,
        dataDir: pg.dataDir,
        ...(pg.socketDir === undefined ? {} : { socketDir: pg.socketDir }),
        startedByUs: pg.startedByUs,
      };
    } else {
      adminUrl = options.databaseUrl ?? '';
      const u = new URL(adminUrl);
      state.postgres = {
        kind: 'external',
        host: u.hostname,
        port: Number(u.port || 5432),
        url: serverUrlOf(adminUrl),
        startedByUs: false,
      };
    }
    save();
    io.report({
      type: 'step',
      step: 'postgres',
      status: 'done',
      message: embedded
        ? `embedded PostgreSQL ${initialised ? 'initialised and started' : pgStartedByUs ? 'started' : 'already running'} on port ${state.postgres.port}`
        : `using ${state.postgres.url}`,
    });

    io.report({ type: 'step', step: 'databases', status: 'start', message: 'databases and roles' });
    const dbs = await provisionDatabases(
      adminUrl,
      platformDatabases(options.dbPrefix),
      (role) => passwords[role] ?? '',
    );
    io.report({
      type: 'step',
      step: 'databases',
      status: 'done',
      message: `${dbs.length} databases, one role each`,
    });
    const postgresMs = Date.now() - tPg;

    notes.push(redisNote(options.redisUrl));
    io.report({ type: 'note', message: redisNote(options.redisUrl) });

    const ctx = envContext({
      profile: options.profile,
      logLevel: options.logLevel,
      portBase: options.portBase,
      dbPrefix: options.dbPrefix,
      serverUrl: state.postgres.url,
      socketDir: state.postgres.socketDir,
      passwords,
      redisUrl: options.redisUrl,
      keys,
      serviceCredentialMaster,
      parentEnv: io.parentEnv,
      serviceSocketDir: await serviceSocketDir(paths.sockets),
    });
    const unresolved = new Set<string>();
    const envOf = (i: InstancePlan): Record<string, string> => {
      const built = buildServiceEnv(catalog[i.service], i, ctx);
      for (const u of built.unresolved) unresolved.add(`${i.service}: ${u}`);
      return built.env;
    };

    const tSvc = Date.now();
    io.report({
      type: 'step',
      step: 'services',
      status: 'start',
      message: `${plan.length} service instances`,
    });
    const entry = serviceEntry();
    await launchAll(plan, {
      host: LOCAL_HOST,
      cwd: entry.packageRoot,
      budgetMs: options.readyTimeoutMs,
      nodeArgsOf: (s: ServiceName) => serviceArgv(entry, s, paths.home),
      envOf,
      logFileOf: (i) => logFileOf(paths, i.service, i.index),
      onSpawned: async (i, pid) => {
        const rec = state.instances.find((x) => x.id === i.id);
        if (rec) {
          rec.pid = pid;
          rec.startedAt = new Date().toISOString();
        }
        save();
      },
      report: io.report,
      signal: io.signal,
    });
    io.report({
      type: 'step',
      step: 'services',
      status: 'done',
      message: `${plan.length} instances ready`,
    });
    state.phase = 'running';
    save();
    return {
      alreadyRunning: false,
      status: await statusOf(state, paths.home),
      notes,
      postgres: { kind: state.postgres.kind, url: state.postgres.url, initialised },
      timings: { totalMs: Date.now() - t0, postgresMs, servicesMs: Date.now() - tSvc },
      unsetEnv: [...unresolved].sort(),
      state,
    };
  } catch (err) {
    await stopRecorded(state, { stopPostgres: pgStartedByUs, home: paths.home });
    await removeState(paths.state);
    if (err instanceof Cancelled || io.signal.aborted) {
      throw new UserError(
        'ALP_RUNTIME_INTERRUPTED',
        'up was interrupted; everything it started was stopped',
        {
          exit: 'failed',
        },
      );
    }
    throw err;
  }
}
