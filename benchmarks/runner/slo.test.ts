import { describe, expect, test } from 'vitest';
import type autocannon from 'autocannon';
import type { Scenario } from '../scenarios/scenario.js';
import { statsFromAutocannon } from './autocannon-stats.js';
import type { RunStats } from './run-stats.js';
import { compareRuns, evaluateSlos } from './slo.js';

function stats(over: Partial<RunStats> & { p50?: number; p99?: number }): RunStats {
  const { p50 = 2, p99 = 10, ...rest } = over;
  return {
    mode: 'closed',
    target: 'gateway',
    url: 'http://127.0.0.1:4000/x',
    connections: 100,
    rate: null,
    durationS: 10,
    requests: 10_000,
    sent: 10_000,
    rps: 1000,
    latencyMs: { p50, p90: p50, p99, p999: p99, max: p99, mean: p50 },
    latencyResolutionMs: 1,
    errors: 0,
    non2xx: 0,
    refused: 0,
    refusalCounts: {},
    errorRate: 0,
    statusCounts: { '200': 10_000 },
    loadAverage: { before: [1, 1, 1], after: [1, 1, 1] },
    ...rest,
  };
}

const scenario: Scenario = {
  id: 's',
  title: 't',
  source: 'test',
  target: 'gateway',
  request: { method: 'GET', path: '/api/v1/users/me' },
  auth: 'bench-user',
  connections: 100,
  durationS: 10,
  warmupS: 1,
  slo: { p99Ms: 40, minRps: 800, maxErrorRate: 0, openModelP99Ms: 20 },
  compareTo: { target: 'user', minThroughputRatio: 0.6, maxAddedP50Ms: 1.5, maxAddedP99Ms: 3 },
};

describe('evaluateSlos', () => {
  test('closed loop: p99, throughput, errors and the ratio, all met', () => {
    const checks = evaluateSlos(scenario, stats({}), stats({ target: 'user', rps: 1500 }));
    expect(checks).toEqual([
      { id: 'p99', description: 'p99 latency (ms)', observed: 10, limit: 40, passed: true },
      {
        id: 'throughput',
        description: 'throughput (req/s)',
        observed: 1000,
        limit: 800,
        passed: true,
      },
      { id: 'errors', description: 'error rate', observed: 0, limit: 0, passed: true },
      {
        id: 'ratio',
        description: 'throughput ratio vs user',
        observed: 0.667,
        limit: 0.6,
        passed: true,
      },
    ]);
  });

  test.each([
    ['p99 over the limit', { p99: 41 }, 'p99'],
    ['throughput under the floor', { rps: 799.9 }, 'throughput'],
    ['one error when none are allowed', { errorRate: 0.0001 }, 'errors'],
  ] as const)('closed loop: %s breaches exactly that gate', (_name, over, id) => {
    const failed = evaluateSlos(scenario, stats(over)).filter((c) => !c.passed);
    expect(failed.map((c) => c.id)).toEqual([id]);
  });

  test('refusals alone breach the error-rate gate: no socket error, no non-2xx, 201s all along', () => {
    // The runners' own conversion: every answer was 201, four of them rejected orders.
    const result = {
      duration: 10,
      errors: 0,
      non2xx: 0,
      requests: { total: 10_000, sent: 10_000 },
      statusCodeStats: { '201': { count: 10_000 } },
      latency: { p50: 2, p90: 5, p99: 10, p99_9: 12, max: 15, mean: 2.5 },
    } as unknown as autocannon.Result;
    const run = statsFromAutocannon(result, {
      target: 'gateway',
      url: 'http://127.0.0.1:4000/api/v1/orders',
      connections: 100,
      loadAverage: { before: [1, 1, 1], after: [1, 1, 1] },
      refusals: { refused: 4, refusalCounts: { 'Rejected: ALP_ORDERS_RISK_UNAVAILABLE': 4 } },
    });
    expect(run.rps).toBe(1000);
    expect(evaluateSlos(scenario, run).filter((c) => !c.passed)).toEqual([
      { id: 'errors', description: 'error rate', observed: 0.0004, limit: 0, passed: false },
    ]);
  });

  test('a reference without a ratio limit is compared but not gated', () => {
    const ungated: Scenario = { ...scenario, compareTo: { target: 'trading' } };
    const checks = evaluateSlos(ungated, stats({}), stats({ target: 'trading', rps: 5000 }));
    expect(checks.map((c) => c.id)).toEqual(['p99', 'throughput', 'errors']);
    expect(checks.every((c) => c.passed)).toBe(true);
  });

  test('a limit equal to the observation passes (gates are inclusive)', () => {
    const checks = evaluateSlos(scenario, stats({ p99: 40, rps: 800 }), stats({ rps: 800 / 0.6 }));
    expect(checks.every((c) => c.passed)).toBe(true);
  });

  test('ratio under the floor breaches', () => {
    const failed = evaluateSlos(scenario, stats({}), stats({ rps: 2000 })).filter((c) => !c.passed);
    expect(failed).toEqual([
      {
        id: 'ratio',
        description: 'throughput ratio vs user',
        observed: 0.5,
        limit: 0.6,
        passed: false,
      },
    ]);
  });

  test('open model: its own p99, the offered rate delivered, errors and the added latency', () => {
    const run = stats({ mode: 'open', rate: 1000, rps: 940, p50: 3, p99: 25 });
    const ref = stats({ mode: 'open', rate: 1000, rps: 1000, p50: 1, p99: 21.5, target: 'user' });
    expect(evaluateSlos(scenario, run, ref)).toEqual([
      {
        id: 'p99',
        description: 'p99 latency at 1000 req/s (ms)',
        observed: 25,
        limit: 20,
        passed: false,
      },
      {
        id: 'offered-rate',
        description: 'throughput delivered (req/s)',
        observed: 940,
        limit: 950,
        passed: false,
      },
      { id: 'errors', description: 'error rate', observed: 0, limit: 0, passed: true },
      {
        id: 'added-p50',
        description: 'p50 added over user (ms)',
        observed: 2,
        limit: 1.5,
        passed: false,
      },
      {
        id: 'added-p99',
        description: 'p99 added over user (ms)',
        observed: 3.5,
        limit: 3,
        passed: false,
      },
    ]);
  });

  test('no reference run: no comparison gate', () => {
    expect(evaluateSlos(scenario, stats({})).map((c) => c.id)).toEqual([
      'p99',
      'throughput',
      'errors',
    ]);
  });
});

describe('compareRuns', () => {
  test('ratio and added latency, rounded to 3 decimals', () => {
    expect(
      compareRuns(
        stats({ rps: 1000, p50: 2.25, p99: 9 }),
        stats({ target: 'user', rps: 3000, p50: 1, p99: 7.5 }),
      ),
    ).toEqual({
      reference: 'user',
      throughputRatio: 0.333,
      addedP50Ms: 1.25,
      addedP99Ms: 1.5,
    });
  });

  test('a reference with no throughput gives ratio 0, not Infinity', () => {
    expect(compareRuns(stats({}), stats({ rps: 0 })).throughputRatio).toBe(0);
  });
});
