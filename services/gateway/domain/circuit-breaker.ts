import { CallSignal } from './call-signal.js';
import { gatewayError } from './errors.js';

/*
 * A count-based sliding-window circuit breaker (the Resilience4j model), written here rather
 * than configuring opossum 9 because opossum differs from the spec on every point that
 * matters: it opens when the failure rate is strictly above the threshold (we need ≥ 50 %),
 * its window is time buckets with volumeThreshold 0 by default (first failure can open), it
 * runs a single half-open trial, and its timeout rejects without aborting the call unless an
 * AbortController is wired in. ~150 lines with an injected clock is easier to prove than
 * opossum bent into shape.
 *
 * closed ──(window has ≥ minimumCalls and failure rate ≥ threshold)──▶ open
 * open ──(openStateMs elapsed)──▶ half-open: `halfOpenTrials` calls let through
 * half-open ──(all trials succeed)──▶ closed (fresh window) │ (any trial fails)──▶ open
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Upstream name, used in errors and metrics. */
  readonly name: string;
  /** Last N calls considered (default 20). */
  readonly windowSize?: number;
  /** No verdict before this many calls are in the window (default 10). */
  readonly minimumCalls?: number;
  /** Opens when failures/calls ≥ this (default 0.5). */
  readonly failureRateThreshold?: number;
  /** How long to stay open before trial calls (default 10 s). */
  readonly openStateMs?: number;
  /** Trial calls in half-open; all must succeed to close (default 3). */
  readonly halfOpenTrials?: number;
  /** Per-call timeout; the call's signal aborts then (default 5 s). */
  readonly callTimeoutMs?: number;
  readonly now?: () => number;
  readonly onStateChange?: (to: BreakerState, from: BreakerState) => void;
}

export interface CallOptions<T> {
  /** Classifies a resolved value, e.g. `(res) => res.statusCode >= 500`: a 4xx is a success. */
  readonly isFailure?: (value: T) => boolean;
  /** The client's signal: if it aborts first the call is abandoned and not recorded at all. */
  readonly signal?: CallSignal;
}

export interface CircuitBreaker {
  readonly name: string;
  readonly state: BreakerState;
  /** 0 closed, 1 half-open, 2 open: for a gauge. */
  readonly stateValue: number;
  /** Calls and failures in the current window. */
  readonly window: { readonly calls: number; readonly failures: number };
  /**
   * Runs `fn` under the breaker. Rejects at once with ALP_GATEWAY_CIRCUIT_OPEN (503, retryAfterSec)
   * when open, and with ALP_GATEWAY_UPSTREAM_TIMEOUT (504) when the call outlives callTimeoutMs,
   * in which case `fn`'s signal has been aborted.
   */
  execute<T>(fn: (signal: CallSignal) => Promise<T>, opts?: CallOptions<T>): Promise<T>;
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createCircuitBreaker(opts: CircuitBreakerOptions): CircuitBreaker {
  const windowSize = opts.windowSize ?? 20;
  const minimumCalls = opts.minimumCalls ?? 10;
  const threshold = opts.failureRateThreshold ?? 0.5;
  const openStateMs = opts.openStateMs ?? 10_000;
  const trials = opts.halfOpenTrials ?? 3;
  const callTimeoutMs = opts.callTimeoutMs ?? 5_000;
  const now = opts.now ?? Date.now;
  if (minimumCalls < 1 || minimumCalls > windowSize) {
    throw new Error('minimumCalls must be between 1 and windowSize');
  }

  let state: BreakerState = 'closed';
  let openedAt = 0;
  // Ring buffer of outcomes (true = failure).
  let ring: boolean[] = [];
  let next = 0;
  let failures = 0;
  let trialsStarted = 0;
  let trialsSucceeded = 0;
  // Bumped on every transition: a call only counts in the state (and window) it started in.
  let epoch = 0;

  function transition(to: BreakerState): void {
    const from = state;
    if (from === to) return;
    state = to;
    epoch += 1;
    ring = [];
    next = 0;
    failures = 0;
    trialsStarted = 0;
    trialsSucceeded = 0;
    if (to === 'open') openedAt = now();
    opts.onStateChange?.(to, from);
  }

  function current(): BreakerState {
    if (state === 'open' && now() - openedAt >= openStateMs) transition('half-open');
    return state;
  }

  function record(failed: boolean, callEpoch: number): void {
    if (callEpoch !== epoch) return; // started before the last transition
    if (state === 'half-open') {
      if (failed) return transition('open');
      trialsSucceeded += 1;
      if (trialsSucceeded >= trials) transition('closed');
      return;
    }
    if (ring.length < windowSize) ring.push(failed);
    else {
      if (ring[next]) failures -= 1;
      ring[next] = failed;
      next = (next + 1) % windowSize;
    }
    if (failed) failures += 1;
    if (ring.length >= minimumCalls && failures / ring.length >= threshold) transition('open');
  }

  function rejectOpen(): never {
    const waitMs = state === 'open' ? openedAt + openStateMs - now() : 1_000;
    throw gatewayError(
      'ALP_GATEWAY_CIRCUIT_OPEN',
      opts.name,
      Math.max(1, Math.ceil(waitMs / 1000)),
    );
  }

  async function execute<T>(
    fn: (signal: CallSignal) => Promise<T>,
    call: CallOptions<T> = {},
  ): Promise<T> {
    const s = current();
    if (s === 'open') rejectOpen();
    if (s === 'half-open') {
      if (trialsStarted >= trials) rejectOpen();
      trialsStarted += 1;
    }
    const callEpoch = epoch;

    const signal = new CallSignal();
    const client = call.signal;
    const onClientAbort = (reason: unknown) => signal.abort(reason);
    client?.once('abort', onClientAbort);
    let timeoutError: Error | undefined; // made only when it fires: errors cost a stack trace
    let timer: NodeJS.Timeout | undefined;

    try {
      // The timer rejects on its own, so a call that ignores its signal still cannot hold us
      // past the timeout (one promise and one timer; Promise.race cost more).
      const value = await new Promise<T>((resolve, reject) => {
        timer = setTimeout(() => {
          timeoutError = gatewayError('ALP_GATEWAY_UPSTREAM_TIMEOUT', opts.name);
          signal.abort(timeoutError);
          reject(timeoutError);
        }, callTimeoutMs);
        fn(signal).then(resolve, reject);
      });
      record(call.isFailure?.(value) ?? false, callEpoch);
      return value;
    } catch (err) {
      if (!client?.aborted || (timeoutError && err === timeoutError)) record(true, callEpoch);
      else if (state === 'half-open' && callEpoch === epoch) trialsStarted -= 1; // trial unused
      throw err;
    } finally {
      clearTimeout(timer);
      client?.removeListener('abort', onClientAbort);
    }
  }

  return {
    name: opts.name,
    get state() {
      return current();
    },
    get stateValue() {
      return STATE_VALUE[current()];
    },
    get window() {
      return { calls: ring.length, failures };
    },
    execute,
  };
}
