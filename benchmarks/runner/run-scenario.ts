import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchUser, Scenario } from '../scenarios/scenario.js';
import { describeDrain, type BusDrain } from './bus-drain.js';
import { runClosedLoop } from './closed-loop.js';
import { describeGcPauses, gcPausesBetween, type GcReadings } from './gc-pauses.js';
import type { LoadPlan } from './load-plan.js';
import { msPerResponse, type CpuTimes } from './process-cpu.js';
import { runOpenModel } from './open-model.js';
import { describeWal, walPerResponse, type WalPosition } from './postgres-wal.js';
import type { RunStats } from './run-stats.js';
import { urlOf, type TargetUrls } from './targets.js';

export interface ScenarioRuns {
  /** Every measured run of the scenario's target (one per repeat), warm-up excluded. */
  readonly runs: RunStats[];
  /** Reference runs (compareTo), paired with `runs`. */
  readonly referenceRuns: RunStats[];
  /** The run the gates judge (see medianIndex), and its paired reference. */
  readonly result: RunStats;
  readonly reference: RunStats | null;
  /** The event bus after each measured run (scenarios that place orders; else empty). */
  readonly bus: BusDrain[];
}

export interface RunSettings {
  readonly rate: number | undefined;
  readonly repeat: number;
  readonly progress: (line: string) => void;
  /** Waits for the event bus to empty after each measured run, and says what it held. */
  readonly drainBus?: () => Promise<BusDrain>;
  /** Reads the platform's CPU time, read just before and just after each measured run. */
  readonly cpuTimes?: () => Promise<CpuTimes>;
  /** Waits for a core by process group (ms), read around each measured run. */
  readonly waitTimes?: () => Promise<CpuTimes | undefined>;
  /** The services' garbage-collection totals (their /metrics), read around each measured run. */
  readonly gcTotals?: () => Promise<GcReadings | undefined>;
  /** Reads PostgreSQL's WAL position, just before and just after each measured run. */
  readonly walPosition?: () => Promise<WalPosition | undefined>;
  /**
   * The bench was interrupted: the run in progress stops at once, and runScenario rejects
   * (with the signal's reason) instead of returning partial runs.
   */
  readonly signal?: AbortSignal;
}

/** The load plan of a scenario against one target; requests rotate over the bench users. */
export function planFor(
  s: Scenario,
  url: string,
  target: string,
  users: readonly BenchUser[],
  durationS: number,
): LoadPlan {
  const body = s.request.body;
  const extra = s.request.headers;
  const tokens = s.auth === 'bench-user' ? users.map((u) => `Bearer ${u.accessToken}`) : [];
  // One user's token is a fixed header: a request with nothing that changes is built once by
  // autocannon, not per request (~12-16 µs less of the load generator's CPU per request here,
  // on the cores the platform uses). Several users' tokens rotate per request.
  const fixed: Record<string, string> = tokens.length === 1 ? { authorization: tokens[0]! } : {};
  let next = 0;
  const auth =
    tokens.length > 1 ? () => ({ authorization: tokens[next++ % tokens.length]! }) : undefined;
  const perRequest = auth && extra ? () => ({ ...auth(), ...extra() }) : (auth ?? extra);
  return {
    target,
    url,
    method: s.request.method,
    path: s.request.path,
    headers: { ...(body && { 'content-type': 'application/json' }), ...fixed },
    ...(body && { body }),
    ...(perRequest && { perRequestHeaders: perRequest }),
    ...(s.request.refusal && { refusal: s.request.refusal }),
    connections: s.connections,
    durationS,
  };
}

/**
 * Pause after a run, so that requests cut off at its end (still being processed by the
 * platform) do not overlap the next run: about the run's p99, between 0.25 s and 5 s.
 */
export function settleMs(r: RunStats): number {
  return Math.min(5000, Math.max(250, Math.ceil(r.latencyMs.p99 * 1.2)));
}

/**
 * Index of the median run (the lower median for an even count): by throughput in a closed
 * loop; by p99 latency in the open model, where every run delivers the offered rate and the
 * gates judge latency, so a median by throughput would pick a run by noise.
 */
export function medianIndex(runs: readonly RunStats[]): number {
  const key = (r: RunStats) => (r.mode === 'open' ? r.latencyMs.p99 : r.rps);
  const order = runs.map((r, i) => ({ k: key(r), i })).sort((a, b) => a.k - b.k);
  return order[Math.floor((order.length - 1) / 2)]!.i;
}

function describe(r: RunStats): string {
  const l = r.latencyMs;
  const cpu = r.cpuMsPerResponse ? `, CPU ${describeCpu(r.cpuMsPerResponse)}` : '';
  const waited = r.waitMsPerResponse
    ? `, waited for a core ${describeCpu(r.waitMsPerResponse)}`
    : '';
  const gc = r.gcPauses ? `, GC pauses ${describeGcPauses(r.gcPauses)}` : '';
  const wal = r.walPerResponse ? `, ${describeWal(r.walPerResponse)}` : '';
  return `${r.rps} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, ${r.errors + r.non2xx} failed, ${r.refused} refused${cpu}${waited}${gc}${wal} (load ${r.loadAverage.after.join(' ')})`;
}

/**
 * CPU per response, the costliest process groups first, e.g. `0.62 ms/response: gateway
 * 0.24, user 0.19, postgres 0.19`. Groups under 2 % of the total (idle services) count in
 * the total but are left out of the list.
 */
export function describeCpu(perResponse: Readonly<Record<string, number>>): string {
  const entries = Object.entries(perResponse).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const total = entries.reduce((sum, [, ms]) => sum + ms, 0);
  const parts = entries
    .filter(([, ms]) => ms > 0 && ms >= total * 0.02)
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`);
  return `${total.toFixed(2)} ms/response${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/**
 * Warm-up (discarded) on each target, then `repeat` measured runs, the scenario's target and
 * its reference alternating so that drift in the shared machine's load hits both alike.
 */
export async function runScenario(
  s: Scenario,
  targets: TargetUrls,
  usersOf: readonly BenchUser[],
  settings: RunSettings,
): Promise<ScenarioRuns> {
  const sides = [s.target, ...(s.compareTo ? [s.compareTo.target] : [])];
  const { signal } = settings;
  const run = async (plan: LoadPlan): Promise<RunStats> => {
    const withSignal = signal ? { ...plan, signal } : plan;
    const stats = await (settings.rate === undefined
      ? runClosedLoop(withSignal)
      : runOpenModel(withSignal, settings.rate));
    signal?.throwIfAborted(); // a cut-off run's numbers are not a measurement
    return stats;
  };
  const pause = (stats: RunStats) => sleep(settleMs(stats), undefined, { signal });
  const users = `${usersOf.length} user${usersOf.length === 1 ? '' : 's'}`;
  const mode =
    settings.rate === undefined
      ? `${s.connections} connections, ${users}`
      : `${settings.rate} req/s over ${s.connections} connections, ${users}`;
  if (s.warmupS > 0) {
    for (const side of sides) {
      settings.progress(`${s.id}: warm-up ${s.warmupS}s on ${side} (${mode}, discarded)`);
      await pause(await run(planFor(s, urlOf(targets, side), side, usersOf, s.warmupS)));
    }
  }
  const runs: RunStats[] = [];
  const referenceRuns: RunStats[] = [];
  const bus: BusDrain[] = [];
  for (let i = 1; i <= settings.repeat; i++) {
    for (const [k, side] of sides.entries()) {
      const tag = settings.repeat > 1 ? ` run ${i}/${settings.repeat}` : '';
      settings.progress(`${s.id}:${tag} ${s.durationS}s on ${side} (${mode})`);
      // The WAL reads open a database connection and the GC reads ask every service for its
      // metrics: outside the CPU window, not billed to it.
      const walBefore = await settings.walPosition?.();
      const gcBefore = await settings.gcTotals?.();
      const before = await settings.cpuTimes?.();
      const waitedBefore = await settings.waitTimes?.();
      let stats = await run(planFor(s, urlOf(targets, side), side, usersOf, s.durationS));
      const waitedAfter = await settings.waitTimes?.();
      const after = await settings.cpuTimes?.();
      const gcAfter = await settings.gcTotals?.();
      const walAfter = await settings.walPosition?.();
      if (before && after) {
        stats = { ...stats, cpuMsPerResponse: msPerResponse(before, after, stats.requests) };
      }
      if (waitedBefore && waitedAfter) {
        const waited = msPerResponse(waitedBefore, waitedAfter, stats.requests);
        stats = { ...stats, waitMsPerResponse: waited };
      }
      if (gcBefore && gcAfter) stats = { ...stats, gcPauses: gcPausesBetween(gcBefore, gcAfter) };
      const wal = walPerResponse(walBefore, walAfter, stats.requests);
      if (wal) stats = { ...stats, walPerResponse: wal };
      settings.progress(`${s.id}:${tag} ${side}: ${describe(stats)}`);
      (k === 0 ? runs : referenceRuns).push(stats);
      await pause(stats);
      if (k === 0 && settings.drainBus) {
        const d = await settings.drainBus();
        settings.progress(`${s.id}:${tag} ${describeDrain(d)}`);
        bus.push(d);
      }
    }
  }
  const m = medianIndex(runs);
  return { runs, referenceRuns, result: runs[m]!, reference: referenceRuns[m] ?? null, bus };
}
