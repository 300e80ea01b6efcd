import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../cli/lib/errors.js';
import type { HomePaths } from '../../cli/lib/runtime/local/paths.js';
import { isScenarioId, SCENARIO_IDS, scenarios } from '../scenarios/registry.js';
import type { BenchUser, Scenario } from '../scenarios/scenario.js';
import { compareWithBaseline, type BaselineComparison, type LoadShape } from './baseline.js';
import { baselineFile, readBaseline, writeBaseline } from './baseline-store.js';
import { checkOrderRate, checkRateLimit, createBenchUser, ensureOrders } from './bench-user.js';
import { loadAverageNow } from './load-average.js';
import { metricsTargets, readGcTotals } from './gc-pauses.js';
import { platformProbes, readCpuTimes, readWaitTimes } from './process-cpu.js';
import { readWalPosition } from './postgres-wal.js';
import { drainBus } from './bus-drain.js';
import {
  describeCalibration,
  machineChange,
  runCalibration,
  type Calibration,
  type MachineChange,
} from './calibration.js';
import { describeSettle, settle, type Settle } from './settle.js';
import { readEvents } from '../../cli/lib/runtime/local/bus-view.js';
import { runScenario, type ScenarioRuns } from './run-scenario.js';
import { compareRuns, evaluateSlos, type Comparison, type SloCheck } from './slo.js';
import { runningPlatform, urlOf } from './targets.js';

export interface BenchOptions {
  /** Scenario ids; empty means every scenario. */
  readonly scenarios: readonly string[];
  readonly durationS?: number;
  readonly connections?: number;
  readonly warmupS?: number;
  /** Bench users per scenario (overrides each scenario's `users`). */
  readonly users?: number;
  /** Fixed arrival rate (open model); closed loop when absent. */
  readonly rate?: number;
  readonly repeat: number;
  /** Longest wait, before each scenario, for the platform to go quiet (0: one window). */
  readonly settleS?: number;
  readonly saveBaseline: boolean;
  /** Measure the machine itself first (calibration.ts), to tell its speed from the code's. */
  readonly calibrate?: boolean;
  readonly baselineDir: string;
  readonly paths: HomePaths;
  /** The command line as typed, recorded in the result and in saved baselines. */
  readonly command: string;
  readonly progress: (line: string) => void;
  /**
   * Ctrl-C and the like: the run in progress stops at once, whatever was started for the
   * bench is stopped, and the result holds the scenarios that finished (see `interrupted`).
   */
  readonly signal?: AbortSignal;
}

export interface ScenarioResult extends ScenarioRuns {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly load: LoadShape;
  readonly warmupS: number;
  /** How the platform was when the scenario began (see settle). */
  readonly settle: Settle;
  readonly comparison: Comparison | null;
  readonly slos: SloCheck[];
  readonly passed: boolean;
  readonly baseline: {
    readonly file: string;
    readonly comparison: BaselineComparison | null;
    /** This invocation's calibration against the baseline's (null: either has none). */
    readonly machine: MachineChange | null;
    readonly saved: boolean;
  };
}

export interface BenchResult {
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: {
    readonly cpus: number;
    readonly node: string;
    readonly loadAverage: number[];
  };
  /** The machine's own speed in this invocation (`--calibrate`), else null. */
  readonly calibration: Calibration | null;
  /** Bench users registered for this invocation (the largest `users` of the scenarios). */
  readonly benchUsers: number;
  /** x-ratelimit-limit the gateway announced for the bench user (null: no header). */
  readonly gatewayRateLimit: number | null;
  readonly scenarios: ScenarioResult[];
  /** False when an SLO was breached or the bench was interrupted. */
  readonly passed: boolean;
  /** `scenario:slo` of every breached gate. */
  readonly breached: string[];
  /**
   * The bench was stopped (a signal) before it finished: by which signal, and the last step
   * it reported. `scenarios` holds the ones that finished; the one in progress is dropped,
   * since a cut-off run is not a measurement. Null when it ran to the end.
   */
  readonly interrupted: { readonly signal: string; readonly during: string } | null;
}

/** How long a scenario waits at most for the platform to go quiet before it starts. */
export const DEFAULT_SETTLE_S = 60;

function bounded(name: string, value: number | undefined, min: number, max: number): string[] {
  if (value === undefined) return [];
  return Number.isInteger(value) && value >= min && value <= max
    ? []
    : [`--${name} must be an integer from ${min} to ${max} (got ${value})`];
}

/** Every invalid option at once (a usage error, exit 2). */
export function validateOptions(
  o: Pick<
    BenchOptions,
    'scenarios' | 'durationS' | 'connections' | 'warmupS' | 'users' | 'rate' | 'repeat' | 'settleS'
  >,
): void {
  const problems = [
    ...o.scenarios.filter((s) => !isScenarioId(s)).map((s) => `unknown scenario "${s}"`),
    ...bounded('duration', o.durationS, 1, 3600),
    ...bounded('connections', o.connections, 1, 10_000),
    ...bounded('warmup', o.warmupS, 0, 600),
    ...bounded('users', o.users, 1, 200),
    ...bounded('rate', o.rate, 1, 100_000),
    ...bounded('repeat', o.repeat, 1, 20),
    ...bounded('settle', o.settleS, 0, 600),
  ];
  if (problems.length === 0) return;
  const unknown = problems.some((p) => p.startsWith('unknown scenario'));
  throw new UserError(
    unknown ? 'ALP_BENCH_UNKNOWN_SCENARIO' : 'ALP_BENCH_INVALID_OPTION',
    problems.length === 1 ? problems[0]! : `${problems.length} invalid options`,
    {
      exit: 'usage',
      problems,
      suggestions: [`known scenarios: ${SCENARIO_IDS.join(', ')}`, 'see alphintra bench --help'],
    },
  );
}

/** The scenario with the command line's overrides applied. */
export function effectiveScenario(
  s: Scenario,
  o: Pick<BenchOptions, 'durationS' | 'connections' | 'warmupS' | 'users'>,
): Scenario {
  return {
    ...s,
    users: o.users ?? s.users ?? 1,
    durationS: o.durationS ?? s.durationS,
    connections: o.connections ?? s.connections,
    warmupS: o.warmupS ?? s.warmupS,
  };
}

/** A finished scenario: its gates, its baseline comparison, the baseline saved if asked. */
async function scenarioResult(
  s: Scenario,
  runs: ScenarioRuns,
  settled: Settle,
  calibration: Calibration | null,
  o: Pick<BenchOptions, 'rate' | 'baselineDir' | 'saveBaseline' | 'command'>,
  progress: (line: string) => void,
): Promise<ScenarioResult> {
  const load: LoadShape = {
    mode: o.rate === undefined ? 'closed' : 'open',
    connections: s.connections,
    users: s.users ?? 1,
    rate: o.rate ?? null,
    durationS: s.durationS,
  };
  const slos = evaluateSlos(s, runs.result, runs.reference ?? undefined);
  const file = baselineFile(o.baselineDir, s.id, load.mode);
  const stored = await readBaseline(file);
  const samples = runs.runs.map((r) => ({
    rps: r.rps,
    p50: r.latencyMs.p50,
    p99: r.latencyMs.p99,
    errorRate: r.errorRate,
    refused: r.refused,
    ...(r.walPerResponse && {
      walBytes: r.walPerResponse.bytes,
      walFullPageImages: r.walPerResponse.fullPageImages,
    }),
  }));
  if (o.saveBaseline) {
    await writeBaseline(file, {
      version: 1,
      scenario: s.id,
      load,
      createdAt: new Date().toISOString(),
      command: o.command,
      machine: {
        cpus: cpus().length,
        node: process.version,
        loadAverage: loadAverageNow(),
        ...(calibration && {
          calibration: { rps: calibration.rps, cpuMsPerRequest: calibration.cpuMsPerRequest },
        }),
      },
      samples,
    });
    progress(`${s.id}: baseline saved to ${file}`);
  }
  return {
    id: s.id,
    title: s.title,
    source: s.source,
    load,
    warmupS: s.warmupS,
    settle: settled,
    ...runs,
    comparison: runs.reference ? compareRuns(runs.result, runs.reference) : null,
    slos,
    passed: slos.every((c) => c.passed),
    baseline: {
      file,
      comparison: stored ? compareWithBaseline(stored, samples, load) : null,
      machine: machineChange(stored?.machine.calibration, calibration),
      saved: o.saveBaseline,
    },
  };
}

/** `alphintra bench`: set up bench users, run each scenario, gate, compare with baselines. */
export async function runBench(o: BenchOptions): Promise<BenchResult> {
  validateOptions(o);
  const startedAt = new Date().toISOString();
  const { state, targets } = await runningPlatform(o.paths);
  const ids = o.scenarios.length > 0 ? [...new Set(o.scenarios)] : [...SCENARIO_IDS];
  const chosen = ids.filter(isScenarioId).map((id) => effectiveScenario(scenarios[id], o));
  const gateway = urlOf(targets, 'gateway');
  const count = Math.max(...chosen.map((s) => s.users ?? 1));
  const { signal } = o;
  // The last step reported: where an interrupted bench was.
  let during = 'setting up';
  const progress = (line: string): void => {
    during = line;
    o.progress(line);
  };
  const pause = (ms: number) => sleep(ms, undefined, { signal });
  const users: BenchUser[] = [];
  let gatewayRateLimit: number | null = null;
  let calibration: Calibration | null = null;
  const results: ScenarioResult[] = [];
  try {
    // One at a time: registration and login hash passwords on purpose (argon2id), and auth
    // should not be the thing this setup measures or overloads.
    for (let i = 1; i <= count; i++) {
      signal?.throwIfAborted();
      progress(`bench user ${i}/${count}: registering, logging in, depositing through ${gateway}`);
      users.push(await createBenchUser(gateway));
    }
    const first = users[0]!;
    gatewayRateLimit = await checkRateLimit(gateway, first);
    if (chosen.some((s) => s.placesOrders === true)) {
      await checkOrderRate(gateway, first);
    }

    const probes = platformProbes(state);
    const gcTargets = metricsTargets(state);
    const settlePlatform = () =>
      settle(() => readCpuTimes(probes), {
        budgetMs: (o.settleS ?? DEFAULT_SETTLE_S) * 1000,
        sleep: pause,
      });
    if (o.calibrate) {
      // On a quiet platform: the skeleton measures the machine, not what the platform still does.
      progress(`calibration: ${describeSettle(await settlePlatform())}`);
      calibration = await runCalibration({ progress, ...(signal && { signal }) });
      progress(`calibration: ${describeCalibration(calibration)}`);
    }
    for (const s of chosen) {
      for (const user of s.seedOrders ? users.slice(0, s.users ?? 1) : []) {
        signal?.throwIfAborted();
        await ensureOrders(gateway, user, s.seedOrders!, progress);
      }
      // What an earlier scenario (or anything else) left running is not this scenario's cost.
      const settled = await settlePlatform();
      progress(`${s.id}: ${describeSettle(settled)}`);
      const runs = await runScenario(s, targets, users.slice(0, s.users ?? 1), {
        rate: o.rate,
        repeat: o.repeat,
        progress,
        cpuTimes: () => readCpuTimes(probes),
        waitTimes: () => readWaitTimes(probes),
        gcTotals: () => readGcTotals(gcTargets),
        walPosition: () => readWalPosition(state, o.paths),
        // The bus is read as `alphintra status` reads it.
        ...(s.placesOrders === true && {
          drainBus: () => drainBus(() => readEvents(state, o.paths), { sleep: pause }),
        }),
        ...(signal && { signal }),
      });
      results.push(await scenarioResult(s, runs, settled, calibration, o, progress));
    }
  } catch (err) {
    // Whatever failed once the bench was told to stop failed because of it.
    if (!signal?.aborted) throw err;
  }
  const interrupted = signal?.aborted
    ? { signal: typeof signal.reason === 'string' ? signal.reason : 'abort', during }
    : null;
  const breached = results.flatMap((r) =>
    r.slos.filter((c) => !c.passed).map((c) => `${r.id}:${c.id}`),
  );
  return {
    command: o.command,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAverage: loadAverageNow() },
    calibration,
    benchUsers: users.length,
    gatewayRateLimit,
    scenarios: results,
    passed: breached.length === 0 && interrupted === null,
    breached,
    interrupted,
  };
}
