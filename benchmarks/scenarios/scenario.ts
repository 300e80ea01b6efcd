import type { ServiceName } from '../../services/catalog.js';

/** Where a run sends its requests: the gateway or one service straight, by the runtime's state. */
export type BenchTarget = ServiceName;

/** What a scenario's request factories may use: the bench user set up before the run. */
export interface BenchUser {
  readonly email: string;
  readonly userId: string;
  readonly accessToken: string;
}

/**
 * Judges one 2xx answer's JSON body: a short label when the answer is a refusal (e.g.
 * `Rejected: ALP_ORDERS_RISK_UNAVAILABLE`), undefined when it is what the scenario wanted.
 * It gets whatever JSON.parse gave, of any shape; a throw counts as a refusal
 * (`refusal check threw`) rather than ending the run.
 */
export type RefusalCheck = (body: unknown) => string | undefined;

export interface ScenarioRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, the same through the gateway and direct (the gateway keeps paths as is). */
  readonly path: string;
  /** JSON body, built per request (so that it may vary). */
  readonly body?: () => unknown;
  /** Extra headers built per request, e.g. a unique Idempotency-Key. */
  readonly headers?: () => Record<string, string>;
  /**
   * A status code alone can hide a refusal: trading answers 201 for an order it rejected
   * (risk did not answer in time, so the order is rejected fail closed). A run of such
   * answers would pass a "no errors" gate and report a fine throughput. When set, the body
   * of every 2xx answer is parsed and checked. A refusal counts as a failure in the error
   * rate; a body that is not JSON is a refusal too.
   */
  readonly refusal?: RefusalCheck;
}

/** Gates of one run. A closed-loop run checks all three; an open-model run replaces minRps. */
export interface ScenarioSlo {
  /** p99 latency in milliseconds (closed loop). */
  readonly p99Ms: number;
  /** Least throughput in requests per second (closed loop). */
  readonly minRps: number;
  /** Largest share of failed requests (socket errors, non-2xx, refusals), 0 = none allowed. */
  readonly maxErrorRate: number;
  /** p99 at a fixed arrival rate (open model, `--rate`), when the scenario sets one. */
  readonly openModelP99Ms?: number;
}

/**
 * A reference run in the same invocation: same request, same load, another target. The
 * comparison is always reported; only the limits that are set are gates.
 */
export interface ScenarioComparison {
  readonly target: BenchTarget;
  /** Throughput of the scenario's run ÷ the reference's (closed loop) must be at least this. */
  readonly minThroughputRatio?: number;
  /** Open model only: latency the scenario's target may add over the reference. */
  readonly maxAddedP50Ms?: number;
  readonly maxAddedP99Ms?: number;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Why the gates are what they are (printed in --help and the JSON). */
  readonly source: string;
  readonly target: BenchTarget;
  readonly request: ScenarioRequest;
  /** `bench-user`: fresh users registered, logged in and funded through the gateway. */
  readonly auth: 'bench-user' | 'none';
  /**
   * How many bench users share the load, requests spread round-robin (default 1). Real
   * traffic comes from many users; per-user serialisation (risk and account row locks)
   * would otherwise be all that is measured.
   */
  readonly users?: number;
  /** Orders each bench user must have before the run (a read of them reads a full page). */
  readonly seedOrders?: number;
  /** Places orders: setup then checks that risk's per-user order rate allows a bench. */
  readonly placesOrders?: boolean;
  readonly connections: number;
  readonly durationS: number;
  /** Seconds of load before the measured run; its numbers are discarded. */
  readonly warmupS: number;
  readonly slo: ScenarioSlo;
  readonly compareTo?: ScenarioComparison;
}
