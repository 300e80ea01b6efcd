import type { ChalkInstance } from 'chalk';
import { renderTable } from '../../cli/lib/output/table.js';
import type { BenchResult, ScenarioResult } from './run-bench.js';
import type { RunStats } from './run-stats.js';
import { describeDrain } from './bus-drain.js';
import { describeSettle } from './settle.js';
import { describeCpu } from './run-scenario.js';
import { describeGcPauses } from './gc-pauses.js';
import { describeWal } from './postgres-wal.js';
import { describeCalibration, formatRps, type MachineChange } from './calibration.js';

const HEADERS = [
  'target',
  'load',
  'req/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'p99.9 ms',
  'failed',
  'refused',
  'load avg',
];

function row(r: RunStats, users: number): string[] {
  const l = r.latencyMs;
  const load = r.mode === 'closed' ? `${r.connections} conn` : `${r.rate}/s, ${r.connections} conn`;
  return [
    r.target,
    `${load}, ${users} user${users === 1 ? '' : 's'}`,
    String(r.rps),
    String(l.p50),
    String(l.p90),
    String(l.p99),
    String(l.p999),
    `${r.errors + r.non2xx}/${r.requests + r.errors}`,
    String(r.refused),
    r.loadAverage.after.join(' '),
  ];
}

/**
 * What a run's refusals were, most frequent first, e.g. `refused on gateway: 120 ×
 * Rejected: ALP_ORDERS_RISK_UNAVAILABLE`. Labels hold colons, hence `×` and `;`.
 */
function describeRefusals(r: RunStats): string {
  const labels = Object.entries(r.refusalCounts)
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1))
    .map(([label, n]) => `${n} × ${label}`);
  return `refused on ${r.target}: ${labels.join('; ')}`;
}

function renderScenario(s: ScenarioResult, c: ChalkInstance): string {
  const lines = [c.bold(`${s.id}: ${s.title}`), c.dim(`  gates: ${s.source}`)];
  const before = `  before: ${describeSettle(s.settle)}`;
  lines.push(s.settle.quiet ? c.dim(before) : c.yellow(before));
  const shown = [s.result, ...(s.reference ? [s.reference] : [])];
  const rows = shown.map((r) => row(r, s.load.users));
  lines.push(
    ...renderTable(HEADERS, rows)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  // A refusal came with a 2xx status: say what it was, or the throughput reads as good work.
  for (const r of shown.filter((r) => r.refused > 0))
    lines.push(c.yellow(`  ${describeRefusals(r)}`));
  for (const r of shown.filter((r) => r.cpuMsPerResponse !== undefined))
    lines.push(`  CPU on ${r.target}: ${describeCpu(r.cpuMsPerResponse!)}`);
  for (const r of shown.filter((r) => r.waitMsPerResponse !== undefined))
    lines.push(`  waited for a core on ${r.target}: ${describeCpu(r.waitMsPerResponse!)}`);
  for (const r of shown.filter((r) => r.gcPauses !== undefined))
    lines.push(`  GC pauses on ${r.target}: ${describeGcPauses(r.gcPauses!)}`);
  for (const r of shown.filter((r) => r.walPerResponse !== undefined))
    lines.push(`  PostgreSQL on ${r.target}: ${describeWal(r.walPerResponse!)}`);
  if (s.runs.length > 1) {
    const refused = s.runs.some((r) => r.refused > 0)
      ? `, refused: ${s.runs.map((r) => r.refused).join(', ')}`
      : '';
    const judged =
      s.runs[0]!.mode === 'open'
        ? `median by p99 shown; p99 ms: ${s.runs.map((r) => r.latencyMs.p99).join(', ')}`
        : 'median shown';
    lines.push(
      c.dim(
        `  ${s.runs.length} runs, req/s: ${s.runs.map((r) => r.rps).join(', ')}${refused} (${judged})`,
      ),
    );
  }
  if (s.comparison) {
    const k = s.comparison;
    lines.push(
      `  vs ${k.reference}: throughput ratio ${k.throughputRatio}, added p50 ${k.addedP50Ms} ms, added p99 ${k.addedP99Ms} ms`,
    );
  }
  for (const g of s.slos) {
    const mark = g.passed ? c.green('✓') : c.red('✗');
    const op = ['throughput', 'offered-rate', 'ratio'].includes(g.id) ? '>=' : '<=';
    lines.push(`  ${mark} ${g.description}: ${g.observed} (${op} ${g.limit})`);
  }
  const b = s.baseline.comparison;
  if (b === null) lines.push(c.dim(`  baseline: none at ${s.baseline.file}`));
  else if (!b.comparable) lines.push(c.dim(`  baseline: not compared, ${b.reason}`));
  else {
    const parts = b.deltas.map(
      (d) =>
        `${d.metric} ${d.baseline} → ${d.current} (${describeChange(d.changePct)}, ${d.verdict})`,
    );
    lines.push(`  baseline: ${parts.join('; ')}`, c.dim(`    beyond noise = ${b.method}`));
  }
  if (s.baseline.machine) lines.push(`  ${describeMachineChange(s.baseline.machine)}`);
  for (const [i, d] of s.bus.entries()) {
    const line = `  ${s.bus.length > 1 ? `run ${i + 1}: ` : ''}${describeDrain(d)}`;
    lines.push(d.waitingAfter === 0 ? c.dim(line) : c.yellow(line));
  }
  if (s.baseline.saved) lines.push(c.dim(`  baseline saved: ${s.baseline.file}`));
  return lines.join('\n');
}

/**
 * e.g. `machine (calibration): then 4,900 req/s at 0.28 ms CPU/request, now 3,401 at 0.41
 * (-30.6 %, +46.4 %)`: the baseline's difference may then be the machine's, not the code's.
 */
function describeMachineChange(m: MachineChange): string {
  const signed = (v: number) => `${v > 0 ? '+' : ''}${v} %`;
  return `machine (calibration): then ${formatRps(m.baselineRps)} req/s at ${m.baselineCpuMsPerRequest} ms CPU/request, now ${formatRps(m.currentRps)} at ${m.currentCpuMsPerRequest} (${signed(m.rpsChangePct)}, ${signed(m.cpuChangePct)})`;
}

/** The human report (stdout without --json). */
export function renderBench(r: BenchResult, c: ChalkInstance): string {
  const open = r.scenarios.length > 0 && r.scenarios.every((s) => s.load.mode === 'open');
  const latency = open
    ? "latency from each request's intended send time, in µs (open model)"
    : 'latency of closed-loop runs in whole ms (autocannon)';
  const calibration = r.calibration
    ? `\nmachine (calibration, ${r.calibration.workload}): ${describeCalibration(r.calibration)}`
    : '';
  const head = c.dim(
    `${r.command}\n${r.machine.cpus} CPUs, node ${r.machine.node}, load average ${r.machine.loadAverage.join(' ')}; ${latency}${calibration}`,
  );
  const verdict = [
    ...(r.interrupted ? [c.red(describeInterruption(r))] : []),
    ...(r.breached.length > 0 ? [c.red(`SLO breached: ${r.breached.join(', ')}`)] : []),
    ...(r.passed ? [c.green(`all SLOs met (${r.scenarios.length} scenarios)`)] : []),
  ].join('\n');
  return [head, ...r.scenarios.map((s) => renderScenario(s, c)), verdict].join('\n\n');
}

/** What an interrupted bench says: where it stopped, and what of it is reported. */
export function describeInterruption(r: Pick<BenchResult, 'interrupted' | 'scenarios'>): string {
  if (!r.interrupted) return '';
  const n = r.scenarios.length;
  const finished =
    n === 0
      ? 'no scenario had finished'
      : `the ${n} scenario${n === 1 ? '' : 's'} above finished before it`;
  return `interrupted (${r.interrupted.signal}) during: ${r.interrupted.during}; ${finished}, the one in progress is not reported`;
}

/** `+12.5%`, `-3%`, or `from 0` where a percentage of the baseline means nothing. */
export function describeChange(pct: number | null): string {
  if (pct === null) return 'from 0';
  return `${pct > 0 ? '+' : ''}${pct}%`;
}
