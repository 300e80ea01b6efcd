import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import { describeChange, renderBench } from './render.js';
import type { BenchResult, ScenarioResult } from './run-bench.js';
import type { RunStats } from './run-stats.js';

const plain = new Chalk({ level: 0 });

const run = (over: Partial<RunStats> = {}): RunStats => ({
  mode: 'closed',
  target: 'gateway',
  url: 'http://127.0.0.1:6000/api/v1/orders',
  connections: 50,
  rate: null,
  durationS: 20,
  requests: 5000,
  sent: 5050,
  rps: 250,
  latencyMs: { p50: 190, p90: 240, p99: 290, p999: 310, max: 320, mean: 195.5 },
  latencyResolutionMs: 1,
  errors: 0,
  non2xx: 0,
  refused: 0,
  refusalCounts: {},
  errorRate: 0,
  statusCounts: { '201': 5000 },
  loadAverage: { before: [5, 5, 5], after: [6.2, 5.1, 4] },
  ...over,
});

const scenario = (runs: RunStats[], errorRate: number): ScenarioResult => ({
  id: 'order',
  title: 'POST /api/v1/orders through the gateway',
  source: 'issue 5',
  load: { mode: 'closed', connections: 50, users: 10, rate: null, durationS: 20 },
  warmupS: 3,
  settle: { quiet: true, waitedMs: 2004, cores: 0.043, windowMs: 1000 },
  runs,
  referenceRuns: [],
  result: runs[0]!,
  reference: null,
  bus: [],
  comparison: null,
  slos: [
    {
      id: 'errors',
      description: 'error rate',
      observed: errorRate,
      limit: 0,
      passed: errorRate === 0,
    },
  ],
  passed: errorRate === 0,
  baseline: {
    file: 'benchmarks/baselines/order.json',
    comparison: null,
    machine: null,
    saved: false,
  },
});

const bench = (s: ScenarioResult): BenchResult => ({
  command: 'alphintra bench order',
  startedAt: '2026-11-25T16:00:00.000Z',
  finishedAt: '2026-11-25T16:01:00.000Z',
  machine: { cpus: 2, node: 'v20.20.2', loadAverage: [5, 5, 5] },
  calibration: null,
  benchUsers: 10,
  gatewayRateLimit: 100_000_000,
  scenarios: [s],
  passed: s.passed,
  breached: s.passed ? [] : ['order:errors'],
  interrupted: null,
});

describe('renderBench', () => {
  test('interrupted: says where, that the run in progress is dropped, and never "all SLOs met"', () => {
    const stopped: BenchResult = {
      ...bench(scenario([run()], 0)),
      passed: false,
      interrupted: { signal: 'SIGINT', during: 'read: run 2/3 10s on gateway (100 connections)' },
    };
    const said = renderBench(stopped, plain).split('\n').at(-1);
    expect(said).toBe(
      'interrupted (SIGINT) during: read: run 2/3 10s on gateway (100 connections); the 1 scenario above finished before it, the one in progress is not reported',
    );
    expect(renderBench({ ...stopped, scenarios: [] }, plain)).toContain(
      'no scenario had finished, the one in progress is not reported',
    );
  });

  test('no refusals: the refused column reads 0 and no refusal line is printed', () => {
    expect(renderBench(bench(scenario([run()], 0)), plain)).toMatchInlineSnapshot(`
      "alphintra bench order
      2 CPUs, node v20.20.2, load average 5 5 5; latency of closed-loop runs in whole ms (autocannon)

      order: POST /api/v1/orders through the gateway
        gates: issue 5
        before: platform quiet after 2.0 s (4 % of a core over the last 1 s)
        target   load               req/s  p50 ms  p90 ms  p99 ms  p99.9 ms  failed  refused  load avg
        gateway  50 conn, 10 users  250    190     240     290     310       0/5000  0        6.2 5.1 4
        ✓ error rate: 0 (<= 0)
        baseline: none at benchmarks/baselines/order.json

      all SLOs met (1 scenarios)"
    `);
  });

  test('refusals: counted next to failed, labels most frequent first, the error gate breached', () => {
    const refused = run({
      refused: 130,
      refusalCounts: { Expired: 10, 'Rejected: ALP_ORDERS_RISK_UNAVAILABLE': 120 },
      errorRate: 0.026,
    });
    expect(renderBench(bench(scenario([refused], 0.026)), plain)).toMatchInlineSnapshot(`
      "alphintra bench order
      2 CPUs, node v20.20.2, load average 5 5 5; latency of closed-loop runs in whole ms (autocannon)

      order: POST /api/v1/orders through the gateway
        gates: issue 5
        before: platform quiet after 2.0 s (4 % of a core over the last 1 s)
        target   load               req/s  p50 ms  p90 ms  p99 ms  p99.9 ms  failed  refused  load avg
        gateway  50 conn, 10 users  250    190     240     290     310       0/5000  130      6.2 5.1 4
        refused on gateway: 120 × Rejected: ALP_ORDERS_RISK_UNAVAILABLE; 10 × Expired
        ✗ error rate: 0.026 (<= 0)
        baseline: none at benchmarks/baselines/order.json

      SLO breached: order:errors"
    `);
  });

  test('repeats: the runs line lists refusals per run when any run had some', () => {
    const runs = [
      run({ rps: 250, refused: 3, refusalCounts: { 'Rejected: ALP_X': 3 }, errorRate: 0.0006 }),
      run({ rps: 240 }),
      run({ rps: 260 }),
    ];
    const out = renderBench(bench(scenario(runs, 0.0006)), plain);
    expect(out).toContain('\n  3 runs, req/s: 250, 240, 260, refused: 3, 0, 0 (median shown)\n');
    expect(out).toContain('\n  refused on gateway: 3 × Rejected: ALP_X\n');
  });

  test('repeats in the open model: the runs line lists each p99, the median by p99 is shown', () => {
    const open = (rps: number, p99: number) =>
      run({ mode: 'open', rate: 1000, rps, latencyMs: { ...run().latencyMs, p99 } });
    const runs = [open(999.9, 9), open(1000, 31), open(999.8, 12)];
    const openLoad = {
      mode: 'open',
      connections: 100,
      users: 1,
      rate: 1000,
      durationS: 10,
    } as const;
    const out = renderBench(bench({ ...scenario(runs, 0), load: openLoad }), plain);
    expect(out).toContain(
      '\n  3 runs, req/s: 999.9, 1000, 999.8 (median by p99 shown; p99 ms: 9, 31, 12)\n',
    );
    expect(out).toContain("; latency from each request's intended send time, in µs (open model)\n");
  });

  test('calibrated: the machine line under the header, and its change against the baseline', () => {
    const s = scenario([run()], 0);
    const out = renderBench(
      {
        ...bench({
          ...s,
          baseline: {
            ...s.baseline,
            machine: {
              baselineRps: 4900,
              currentRps: 3400.5,
              rpsChangePct: -30.602,
              baselineCpuMsPerRequest: 0.28,
              currentCpuMsPerRequest: 0.41,
              cpuChangePct: 46.429,
            },
          },
        }),
        calibration: {
          workload: 'four bare hops',
          connections: 50,
          durationS: 5,
          rps: 3400.5,
          latencyMs: { p50: 12, p99: 40 },
          cpuMsPerRequest: 0.41,
          runsRps: [3400.5],
          wake: null,
        },
      },
      plain,
    );
    expect(out).toContain(
      '\nmachine (calibration, four bare hops): 3,401 req/s, p50 12 ms, p99 40 ms, 0.41 ms CPU/request\n',
    );
    expect(out).toContain(
      '\n  machine (calibration): then 4,900 req/s at 0.28 ms CPU/request, now 3,401 at 0.41 (-30.602 %, +46.429 %)\n',
    );
  });

  test('a run with CPU, waits and GC pauses gets a line for each under the table', () => {
    const measured = run({
      cpuMsPerResponse: { gateway: 0.31, user: 0.3 },
      waitMsPerResponse: { gateway: 0.2, user: 0.18 },
      gcPauses: {
        gateway: { pauses: 29, ms: 46.5, over10ms: 0 },
        'no-code': { pauses: 6, ms: 76.7, over10ms: 3 },
        risk: { pauses: 0, ms: 0, over10ms: 0 },
      },
    });
    const lines = renderBench(bench(scenario([measured], 0)), plain).split('\n');
    expect(lines).toContain('  CPU on gateway: 0.61 ms/response: gateway 0.31, user 0.30');
    expect(lines).toContain(
      '  waited for a core on gateway: 0.38 ms/response: gateway 0.20, user 0.18',
    );
    expect(lines).toContain(
      '  GC pauses on gateway: no-code 6 (76.7 ms, 3 over 10 ms), gateway 29 (46.5 ms)',
    );
  });

  test('a scenario that began on a busy platform says so above its table', () => {
    const busy = { quiet: false, waitedMs: 60_012, cores: 0.41, windowMs: 1000 };
    const out = renderBench(bench({ ...scenario([run()], 0), settle: busy }), plain);
    expect(out).toContain(
      '\n  before: platform still busy after 60.0 s (41 % of a core over the last 1 s); measuring anyway\n',
    );
  });
});

describe('describeChange', () => {
  test('a signed percentage, or "from 0" when the baseline was 0', () => {
    expect(describeChange(12.5)).toBe('+12.5%');
    expect(describeChange(-3)).toBe('-3%');
    expect(describeChange(0)).toBe('0%');
    expect(describeChange(null)).toBe('from 0');
  });
});
