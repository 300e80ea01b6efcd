import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { UserError } from '../../cli/lib/errors.js';
import { runClosedLoop } from './closed-loop.js';
import { msPerResponse, readCpuTimes, readOnCpuNs, type CpuProbe } from './process-cpu.js';
import { round3 } from './run-stats.js';

/**
 * What the machine itself can do, measured in the same invocation as the scenarios: the
 * order path's HTTP hops with no work behind them. Four processes (gateway → trading →
 * risk, then broker), each a bare `node:http` server that reads the request, calls the next
 * hop(s) with undici over keep-alive connections and answers a small JSON body. Throughput
 * and CPU per request of this skeleton move with the machine's speed and with whatever else
 * runs on it, not with the platform's code, so two bench results (or a result and a
 * baseline) taken on different days can be told apart: "the code got slower" from "the
 * machine did". It is an indicator, not a divisor: the platform's numbers do not move by the
 * same factor (see MachineChange).
 */
export interface Calibration {
  readonly workload: string;
  readonly connections: number;
  /** Seconds of each measured run. */
  readonly durationS: number;
  /** The best run's (highest throughput): other work on the machine only ever slows it. */
  readonly rps: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  /** CPU time of the four hop processes per request in that run, ms (from /proc). */
  readonly cpuMsPerRequest: number;
  /** Every measured run's throughput, in order: their spread is the machine's noise. */
  readonly runsRps: readonly number[];
  /** What a request costs a process that was asleep, against one kept busy; null: unmeasured. */
  readonly wake: WakeCost | null;
}

/**
 * CPU time one request costs the skeleton's leaf hop (risk: it receives exactly one per
 * skeleton request), in µs from schedstat: in the best loaded run, where the process is
 * seldom idle, and for requests sent one at a time `gapMs` apart, each waking it from sleep.
 * On a virtual machine the second can be several times the first (every wake-up goes
 * through the host): what an order costs at a fixed arrival rate follows it, closed loop
 * throughput much less.
 */
export interface WakeCost {
  readonly busyMicros: number;
  readonly idleMicros: number;
  readonly gapMs: number;
  readonly samples: number;
}

const WAKE_GAP_MS = 20;
const WAKE_SAMPLES = 50;

export interface CalibrationOptions {
  /** Seconds of each measured run. */
  readonly durationS?: number;
  /** Measured runs; the best one is reported. */
  readonly runs?: number;
  readonly warmupS?: number;
  readonly connections?: number;
  /** Longest wait for a hop process to listen. */
  readonly startTimeoutMs?: number;
  readonly progress?: (line: string) => void;
  /** Interrupted: the load stops, the hops are stopped, and runCalibration rejects. */
  readonly signal?: AbortSignal;
}

export const CALIBRATION_WORKLOAD =
  'POST through 4 bare node:http + undici processes (gateway -> trading -> risk, broker), no database';

/**
 * One hop, run with `node --input-type=module -e`: node:http serves, undici calls the next
 * hops (as the platform's services do). argv: undici's entry URL, then the ports of the hops
 * it calls, in order. Prints `listening <port>`.
 */
const HOP_SOURCE = `
import http from 'node:http';
const [undiciUrl, ...ports] = process.argv.slice(1);
const { Pool } = await import(undiciUrl);
const pools = ports.map((p) => new Pool('http://127.0.0.1:' + p, { connections: 64 }));
const answer = JSON.stringify({ id: '0192f0b0-0000-7000-8000-000000000000', status: 'Filled', quantity: '1', price: '187.12' });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = chunks.length > 0 ? Buffer.concat(chunks) : Buffer.from('{}');
    try {
      for (const pool of pools) {
        const r = await pool.request({ path: '/hop', method: 'POST', body,
          headers: { 'content-type': 'application/json' } });
        await r.body.dump();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    } catch {
      res.writeHead(502);
      res.end();
    }
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
// Its parent gone (even killed with SIGKILL), stdin ends: no hop outlives the bench.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** undici as the hops import it (a file URL: `-e` code has no module path to resolve from). */
const UNDICI_URL = pathToFileURL(createRequire(import.meta.url).resolve('undici')).href;

/** The skeleton could not be measured: nothing of the platform was run yet, so try without. */
function calibrationFailed(what: string, problems: readonly string[]): UserError {
  return new UserError('ALP_BENCH_CALIBRATION_FAILED', `calibration: ${what}`, {
    problems: problems.filter((p) => p.length > 0),
    suggestions: ['run the bench without --calibrate'],
  });
}

interface Hop {
  readonly role: string;
  readonly child: ChildProcess;
  readonly port: number;
}

function startHop(role: string, next: readonly number[], timeoutMs: number): Promise<Hop> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', HOP_SOURCE, UNDICI_URL, ...next.map(String)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(calibrationFailed(`the ${role} hop ${why}`, stderr.trim().split('\n').slice(-5)));
    };
    const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(`could not start (${err.message})`));
    child.once('exit', (code, signal) => fail(`exited before listening (${signal ?? code})`));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const port = Number(/^listening (\d+)$/.exec(line)?.[1]);
      if (!Number.isInteger(port)) return fail(`printed "${line}" instead of its port`);
      settled = true;
      clearTimeout(timer);
      resolve({ role, child, port });
    });
  });
}

function stopHop(h: Hop): Promise<void> {
  if (h.child.exitCode !== null || h.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => h.child.kill('SIGKILL'), 2_000);
    h.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    h.child.kill('SIGTERM');
  });
}

/**
 * CPU time (ns) a hop spends per request when requests come one at a time, WAKE_GAP_MS apart:
 * each finds the process asleep. One warm request first (a fresh connection costs more).
 */
async function idleRequestNs(
  hop: Hop,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const pool = new Pool(`http://127.0.0.1:${hop.port}`, { connections: 1 });
  const once = async () => {
    const r = await pool.request({ path: '/hop', method: 'POST', body: '{}' });
    await r.body.dump();
  };
  try {
    await once();
    await sleep(WAKE_GAP_MS, undefined, { signal });
    const before = await readOnCpuNs(hop.child.pid!);
    for (let i = 0; i < WAKE_SAMPLES; i++) {
      await once();
      await sleep(WAKE_GAP_MS, undefined, { signal });
    }
    const after = await readOnCpuNs(hop.child.pid!);
    return before === undefined || after === undefined
      ? undefined
      : (after - before) / WAKE_SAMPLES;
  } finally {
    await pool.destroy();
  }
}

/** Starts the skeleton, loads it (warm-up discarded), and stops it whatever happens. */
export async function runCalibration(o: CalibrationOptions = {}): Promise<Calibration> {
  const durationS = o.durationS ?? 2;
  const runs = o.runs ?? 3;
  const warmupS = o.warmupS ?? 3;
  const connections = o.connections ?? 50;
  const timeoutMs = o.startTimeoutMs ?? 10_000;
  const hops: Hop[] = [];
  try {
    // Leaves first: each hop is told the ports of the hops it calls.
    const risk = await startHop('risk', [], timeoutMs);
    hops.push(risk);
    const broker = await startHop('broker', [], timeoutMs);
    hops.push(broker);
    const trading = await startHop('trading', [risk.port, broker.port], timeoutMs);
    hops.push(trading);
    const gateway = await startHop('gateway', [trading.port], timeoutMs);
    hops.push(gateway);
    const plan = {
      target: 'calibration',
      url: `http://127.0.0.1:${gateway.port}`,
      method: 'POST' as const,
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      // A fresh body per request, as the order scenario sends: the generator's cost is alike.
      body: () => ({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' }),
      connections,
      ...(o.signal && { signal: o.signal }),
    };
    o.progress?.(
      `calibration: ${CALIBRATION_WORKLOAD}, ${connections} connections, ${warmupS} s warm-up, best of ${runs} × ${durationS} s`,
    );
    if (warmupS > 0) await runClosedLoop({ ...plan, durationS: warmupS });
    o.signal?.throwIfAborted();
    const probes: CpuProbe[] = hops.map((h) => ({ name: h.role, pid: h.child.pid! }));
    const measured: (Omit<Calibration, 'runsRps' | 'wake'> & { leafNs?: number })[] = [];
    for (let i = 0; i < runs; i++) {
      const before = await readCpuTimes(probes);
      const leafBefore = await readOnCpuNs(risk.child.pid!);
      const stats = await runClosedLoop({ ...plan, durationS });
      o.signal?.throwIfAborted();
      const leafAfter = await readOnCpuNs(risk.child.pid!);
      const perHop = msPerResponse(before, await readCpuTimes(probes), stats.requests);
      const failed = stats.errors + stats.non2xx;
      if (stats.requests === 0 || failed > 0) {
        throw calibrationFailed(
          `${failed} of ${stats.requests + stats.errors} requests failed through the skeleton`,
          Object.entries(stats.statusCounts).map(([status, n]) => `${n} × ${status}`),
        );
      }
      measured.push({
        workload: CALIBRATION_WORKLOAD,
        connections,
        durationS,
        rps: stats.rps,
        latencyMs: { p50: stats.latencyMs.p50, p99: stats.latencyMs.p99 },
        cpuMsPerRequest: round3(Object.values(perHop).reduce((a, b) => a + b, 0)),
        ...(leafBefore !== undefined &&
          leafAfter !== undefined && { leafNs: (leafAfter - leafBefore) / stats.requests }),
      });
    }
    const { leafNs, ...best } = measured.reduce((a, b) => (b.rps > a.rps ? b : a));
    const idleNs = leafNs === undefined ? undefined : await idleRequestNs(risk, o.signal);
    return {
      ...best,
      runsRps: measured.map((m) => m.rps),
      wake:
        leafNs === undefined || idleNs === undefined
          ? null
          : {
              busyMicros: Math.round(leafNs / 1000),
              idleMicros: Math.round(idleNs / 1000),
              gapMs: WAKE_GAP_MS,
              samples: WAKE_SAMPLES,
            },
    };
  } finally {
    await Promise.all(hops.map(stopHop));
  }
}

/**
 * How the machine compares with the one a baseline was saved on (null: either side lacks a
 * calibration). Both numbers matter: a busy neighbour takes throughput away (a busy-loop
 * process cut the skeleton's throughput by 44 % and the order scenario's by 19 %, at the same
 * CPU per order), a slower host makes every message cost more CPU.
 */
export interface MachineChange {
  readonly baselineRps: number;
  readonly currentRps: number;
  /** (current − baseline) ÷ baseline, percent; negative: the machine is slower now. */
  readonly rpsChangePct: number;
  readonly baselineCpuMsPerRequest: number;
  readonly currentCpuMsPerRequest: number;
  /** Positive: each request costs the machine more CPU now. */
  readonly cpuChangePct: number;
}

const pct = (now: number, then: number) => round3(((now - then) / then) * 100);

export function machineChange(
  baseline: Pick<Calibration, 'rps' | 'cpuMsPerRequest'> | undefined,
  current: Pick<Calibration, 'rps' | 'cpuMsPerRequest'> | null,
): MachineChange | null {
  if (!baseline || !current || !(baseline.rps > 0) || !(baseline.cpuMsPerRequest > 0)) {
    return null;
  }
  return {
    baselineRps: baseline.rps,
    currentRps: current.rps,
    rpsChangePct: pct(current.rps, baseline.rps),
    baselineCpuMsPerRequest: baseline.cpuMsPerRequest,
    currentCpuMsPerRequest: current.cpuMsPerRequest,
    cpuChangePct: pct(current.cpuMsPerRequest, baseline.cpuMsPerRequest),
  };
}

/** Requests per second as the reports print them: whole, with thousands separators. */
export const formatRps = (v: number): string => Math.round(v).toLocaleString('en-US');

/** e.g. `4,714 req/s, p50 9 ms, p99 25 ms, 0.284 ms CPU/request (best of 4,714, 4,585, 4,722)` */
export function describeCalibration(c: Calibration): string {
  const all = c.runsRps.length > 1 ? ` (best of ${c.runsRps.map(formatRps).join(', ')})` : '';
  const wake = c.wake
    ? `; a request costs a hop ${c.wake.busyMicros} µs of CPU when it is busy, ${c.wake.idleMicros} µs when it wakes it (${(c.wake.idleMicros / Math.max(1, c.wake.busyMicros)).toFixed(1)}×)`
    : '';
  return `${formatRps(c.rps)} req/s, p50 ${c.latencyMs.p50} ms, p99 ${c.latencyMs.p99} ms, ${c.cpuMsPerRequest} ms CPU/request${all}${wake}`;
}
