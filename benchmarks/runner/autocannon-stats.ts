import type autocannon from 'autocannon';
import type { RefusalCounts } from './refusals.js';
import { errorRateOf, round3, type RunStats } from './run-stats.js';

export interface RunContext {
  readonly target: string;
  readonly url: string;
  readonly connections: number;
  readonly loadAverage: RunStats['loadAverage'];
  /** Counted from the bodies autocannon hands to onResponse (autocannon does not judge bodies). */
  readonly refusals: RefusalCounts;
}

/** An autocannon result as RunStats. Throughput is responses over the measured duration. */
export function statsFromAutocannon(result: autocannon.Result, ctx: RunContext): RunStats {
  const requests = result.requests.total;
  const durationS = result.duration;
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[code] = stat.count ?? 0;
  }
  const l = result.latency;
  return {
    mode: 'closed',
    target: ctx.target,
    url: ctx.url,
    connections: ctx.connections,
    rate: null,
    durationS: round3(durationS),
    requests,
    sent: result.requests.sent,
    rps: durationS > 0 ? round3(requests / durationS) : 0,
    latencyMs: {
      p50: l.p50,
      p90: l.p90,
      p99: l.p99,
      p999: l.p99_9,
      max: l.max,
      mean: round3(l.mean),
    },
    latencyResolutionMs: 1,
    errors: result.errors,
    non2xx: result.non2xx,
    refused: ctx.refusals.refused,
    refusalCounts: ctx.refusals.refusalCounts,
    errorRate: errorRateOf(requests, result.errors, result.non2xx, ctx.refusals.refused),
    statusCounts,
    loadAverage: ctx.loadAverage,
  };
}
