import type { GcPauses } from './gc-pauses.js';
import type { WalPerResponse } from './postgres-wal.js';
/** Latency percentiles of one run, in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** The numbers of one measured run (warm-up excluded), closed loop or open model. */
export interface RunStats {
  readonly mode: 'closed' | 'open';
  readonly target: string;
  readonly url: string;
  readonly connections: number;
  /** Offered arrival rate (open model), null in a closed loop. */
  readonly rate: number | null;
  readonly durationS: number;
  /** Responses received, any status. */
  readonly requests: number;
  readonly sent: number;
  /** Responses per second over the measured duration. */
  readonly rps: number;
  readonly latencyMs: LatencySummary;
  /** Smallest latency step the recorder resolves: 1 ms for autocannon, 0.001 for the open model. */
  readonly latencyResolutionMs: number;
  /** Socket errors and timeouts (no response at all). */
  readonly errors: number;
  readonly non2xx: number;
  /** 2xx answers the scenario's refusal check judged a refusal (an order that was not filled). */
  readonly refused: number;
  /** Refusals by label, e.g. `Rejected: ALP_ORDERS_RISK_UNAVAILABLE`; at most 10 labels + `other`. */
  readonly refusalCounts: Readonly<Record<string, number>>;
  /** (errors + non-2xx + refused) ÷ (responses + errors). */
  readonly errorRate: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  /** os.loadavg() (1, 5, 15 min) just before and just after the run: the machine is shared. */
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
  /**
   * CPU time per response (ms) of each platform process group over the run (local platform
   * only; see process-cpu.ts): what a request costs, which throughput on a shared machine
   * hides. The load generator is not among them.
   */
  readonly cpuMsPerResponse?: Readonly<Record<string, number>>;
  /**
   * Time per response (ms) each platform process group spent runnable but waiting for a core
   * (schedstat; see process-cpu.ts). For the processes a request passes through, latency that
   * is neither work nor I/O; idle services wait too, but off the request's path.
   */
  readonly waitMsPerResponse?: Readonly<Record<string, number>>;
  /**
   * Garbage-collection pauses of each service over the run, from its /metrics (see
   * gc-pauses.ts): how often a service stopped every request it held, for how long in all,
   * and how many of the stops were over 10 ms. Totals for the run, not per response.
   */
  readonly gcPauses?: Readonly<Record<string, GcPauses>>;
  /** PostgreSQL's write-ahead log per response over the run (see postgres-wal.ts). */
  readonly walPerResponse?: WalPerResponse;
}

/**
 * Failed share: requests that got no response, a non-2xx one or a refusal, over all attempts.
 * A refusal is a 2xx response, so it is among `responses` and never also among `non2xx`.
 */
export function errorRateOf(
  responses: number,
  errors: number,
  non2xx: number,
  refused: number,
): number {
  const attempts = responses + errors;
  return attempts === 0 ? 0 : (errors + non2xx + refused) / attempts;
}

/** Rounds to 3 decimals so that JSON and tables never show float noise. */
export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
