import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { Resolver } from '../../platform/discovery/index.js';
import type { CallSignal } from '../domain/call-signal.js';
import {
  createCircuitBreaker,
  type BreakerState,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from '../domain/circuit-breaker.js';
import { gatewayError } from '../domain/errors.js';
import {
  createRetryBudget,
  createRetryPolicy,
  type RetryBudgetOptions,
} from '../domain/retry-policy.js';
import type { OutgoingHeaders } from './forward-headers.js';
import { callUpstream, type UpstreamAnswer } from './upstream-call.js';

export type BreakerSettings = Partial<Omit<CircuitBreakerOptions, 'name' | 'onStateChange'>>;

export interface RetrySettings {
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly budget?: RetryBudgetOptions;
}

export interface ForwardRequest {
  readonly method: string;
  /** Path and query, exactly as received: the service serves the same path. */
  readonly path: string;
  readonly headers: OutgoingHeaders;
  /** Buffered so that a retry can send it again. */
  readonly body: Buffer | undefined;
}

export interface UpstreamCallerOptions {
  readonly resolver: Resolver;
  readonly dispatcher: Dispatcher;
  /** Breakers are made up front for these (so the state gauge lists them); others lazily. */
  readonly services: readonly string[];
  readonly breaker?: BreakerSettings;
  readonly retry?: RetrySettings;
  readonly onStateChange?: (service: string, to: BreakerState, from: BreakerState) => void;
  /** One upstream attempt ended: `outcome` is the status code or the error code. */
  readonly onAttempt?: (service: string, method: string, outcome: string, seconds: number) => void;
  readonly onRetry?: (service: string, outcome: string) => void;
}

interface Upstream {
  readonly breaker: CircuitBreaker;
  readonly decide: ReturnType<typeof createRetryPolicy>;
  readonly budget: ReturnType<typeof createRetryBudget>;
}

export interface UpstreamCaller {
  /**
   * Sends the request to an instance of `service` through its breaker, retrying idempotent
   * requests on another instance within the budget. Resolves with the upstream answer (a
   * small one read whole, others streaming); rejects with an ALP_GATEWAY_* error.
   */
  forward(service: string, req: ForwardRequest, clientSignal?: CallSignal): Promise<UpstreamAnswer>;
  /** Breaker state per upstream (0 closed, 1 half-open, 2 open). */
  states(): [string, number][];
}

/** Codes after which the attempt never reached a verdict from the upstream worth retrying. */
const FINAL = new Set(['ALP_GATEWAY_CIRCUIT_OPEN', 'ALP_GATEWAY_UPSTREAM_TIMEOUT']);

export function createUpstreamCaller(opts: UpstreamCallerOptions): UpstreamCaller {
  const upstreams = new Map<string, Upstream>();

  function upstream(service: string): Upstream {
    let u = upstreams.get(service);
    if (!u) {
      const budget = createRetryBudget(opts.retry?.budget);
      u = {
        budget,
        breaker: createCircuitBreaker({
          ...opts.breaker,
          name: service,
          onStateChange: (to, from) => opts.onStateChange?.(service, to, from),
        }),
        decide: createRetryPolicy({
          budget,
          ...(opts.retry?.maxAttempts !== undefined && { maxAttempts: opts.retry.maxAttempts }),
          ...(opts.retry?.baseDelayMs !== undefined && { baseDelayMs: opts.retry.baseDelayMs }),
          ...(opts.retry?.maxDelayMs !== undefined && { maxDelayMs: opts.retry.maxDelayMs }),
        }),
      };
      upstreams.set(service, u);
    }
    return u;
  }
  for (const s of opts.services) upstream(s);

  const isFailure = (r: UpstreamAnswer) => r.statusCode >= 500;

  async function forward(
    service: string,
    req: ForwardRequest,
    clientSignal?: CallSignal,
  ): Promise<UpstreamAnswer> {
    const u = upstream(service);
    u.budget.recordRequest();
    for (let attempt = 1; ; attempt += 1) {
      // Resolved again on every attempt: after a failure the balancer has ejected the instance,
      // so a retry goes to another one.
      const instance = opts.resolver.resolve(service);
      if (!instance) throw gatewayError('ALP_GATEWAY_UPSTREAM_UNAVAILABLE', service, 1);
      const started = performance.now();
      let response: UpstreamAnswer;
      try {
        response = await u.breaker.execute(
          (signal) =>
            callUpstream(
              opts.dispatcher,
              {
                origin: instance.url,
                path: req.path,
                method: req.method,
                headers: req.headers,
                body: req.body ?? null,
              },
              signal,
            ),
          { isFailure, ...(clientSignal && { signal: clientSignal }) },
        );
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const outcome = typeof code === 'string' ? code : 'error';
        opts.onAttempt?.(service, req.method, outcome, (performance.now() - started) / 1000);
        if (clientSignal?.aborted || code === 'ALP_GATEWAY_CIRCUIT_OPEN') throw err;
        opts.resolver.reportFailure(instance);
        if (FINAL.has(outcome)) throw err;
        const d = u.decide(req.method, attempt, { kind: 'error', code: outcome });
        if (d.retry) {
          opts.onRetry?.(service, outcome);
          await sleep(d.delayMs);
          continue;
        }
        throw Object.assign(gatewayError('ALP_GATEWAY_UPSTREAM_FAILED', service), { cause: err });
      }
      const status = response.statusCode;
      opts.onAttempt?.(service, req.method, String(status), (performance.now() - started) / 1000);
      if (status === 502 || status === 503) {
        opts.resolver.reportFailure(instance);
        const d = u.decide(req.method, attempt, { kind: 'response', status });
        if (d.retry) {
          opts.onRetry?.(service, String(status));
          response.stream?.destroy();
          await sleep(d.delayMs);
          continue;
        }
      } else if (status < 500) {
        opts.resolver.reportSuccess(instance);
      }
      return response;
    }
  }

  return {
    forward,
    states: () => [...upstreams].map(([s, u]) => [s, u.breaker.stateValue]),
  };
}
