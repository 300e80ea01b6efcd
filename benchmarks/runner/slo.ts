import type { Scenario } from '../scenarios/scenario.js';
import { round3, type RunStats } from './run-stats.js';

export type SloId =
  'p99' | 'throughput' | 'errors' | 'offered-rate' | 'ratio' | 'added-p50' | 'added-p99';

/** One gate, with what was observed and the limit it was held to. */
export interface SloCheck {
  readonly id: SloId;
  readonly description: string;
  readonly observed: number;
  readonly limit: number;
  readonly passed: boolean;
}

/** How the scenario's target compares with the reference run of the same invocation. */
export interface Comparison {
  readonly reference: string;
  /** Scenario throughput ÷ reference throughput. */
  readonly throughputRatio: number;
  /** Latency the scenario's target adds over the reference, in ms (negative: faster). */
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
}

/** An open-model run must deliver this share of the offered rate to count as keeping up. */
export const OFFERED_RATE_SHARE = 0.95;

export function compareRuns(run: RunStats, reference: RunStats): Comparison {
  return {
    reference: reference.target,
    throughputRatio: reference.rps > 0 ? round3(run.rps / reference.rps) : 0,
    addedP50Ms: round3(run.latencyMs.p50 - reference.latencyMs.p50),
    addedP99Ms: round3(run.latencyMs.p99 - reference.latencyMs.p99),
  };
}

const atMost = (id: SloId, description: string, observed: number, limit: number): SloCheck => ({
  id,
  description,
  observed,
  limit,
  passed: observed <= limit,
});
const atLeast = (id: SloId, description: string, observed: number, limit: number): SloCheck => ({
  id,
  description,
  observed,
  limit,
  passed: observed >= limit,
});

/**
 * The scenario's gates for this run. A closed loop is held to p99, throughput, errors and
 * the throughput ratio; an open-model run (fixed arrival rate) to its p99, to delivering the
 * offered rate, to errors and to the latency added over the reference.
 */
export function evaluateSlos(scenario: Scenario, run: RunStats, reference?: RunStats): SloCheck[] {
  const slo = scenario.slo;
  const checks: SloCheck[] = [];
  if (run.mode === 'closed') {
    checks.push(atMost('p99', 'p99 latency (ms)', run.latencyMs.p99, slo.p99Ms));
    if (slo.minRps > 0)
      checks.push(atLeast('throughput', 'throughput (req/s)', run.rps, slo.minRps));
  } else {
    const p99 = slo.openModelP99Ms ?? slo.p99Ms;
    checks.push(atMost('p99', `p99 latency at ${run.rate} req/s (ms)`, run.latencyMs.p99, p99));
    const offered = run.rate ?? 0;
    checks.push(
      atLeast(
        'offered-rate',
        'throughput delivered (req/s)',
        run.rps,
        round3(offered * OFFERED_RATE_SHARE),
      ),
    );
  }
  checks.push(atMost('errors', 'error rate', run.errorRate, slo.maxErrorRate));
  const cmp = scenario.compareTo;
  if (cmp && reference) {
    const c = compareRuns(run, reference);
    if (run.mode === 'closed') {
      if (cmp.minThroughputRatio !== undefined)
        checks.push(
          atLeast(
            'ratio',
            `throughput ratio vs ${cmp.target}`,
            c.throughputRatio,
            cmp.minThroughputRatio,
          ),
        );
    } else {
      if (cmp.maxAddedP50Ms !== undefined)
        checks.push(
          atMost('added-p50', `p50 added over ${cmp.target} (ms)`, c.addedP50Ms, cmp.maxAddedP50Ms),
        );
      if (cmp.maxAddedP99Ms !== undefined)
        checks.push(
          atMost('added-p99', `p99 added over ${cmp.target} (ms)`, c.addedP99Ms, cmp.maxAddedP99Ms),
        );
    }
  }
  return checks;
}
