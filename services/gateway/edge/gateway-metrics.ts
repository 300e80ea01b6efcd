import { Gauge } from 'prom-client';
import type { Metrics } from '../../platform/index.js';

/** Buckets in seconds for upstream calls: dense below 50 ms, up to the 5 s call timeout. */
const UPSTREAM_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface GatewayMetrics {
  upstreamAttempt(upstream: string, method: string, outcome: string, seconds: number): void;
  retry(upstream: string, outcome: string): void;
  rateLimited(keyKind: 'user' | 'ip'): void;
  rateLimitStoreFallback(): void;
}

/**
 * The gateway's own metrics: breaker state per upstream (read at scrape time, since open →
 * half-open happens on the clock), upstream attempts, retries, rate-limit rejections and
 * rate-limit store fallbacks (Redis failing).
 */
export function createGatewayMetrics(
  metrics: Metrics,
  breakerStates: () => [string, number][],
): GatewayMetrics {
  new Gauge({
    name: 'gateway_circuit_breaker_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream'],
    registers: [metrics.registry],
    collect() {
      for (const [upstream, value] of breakerStates()) this.set({ upstream }, value);
    },
  });
  const attempts = metrics.histogram(
    'gateway_upstream_request_duration_seconds',
    'Upstream attempts until response headers, by upstream, method and outcome (status or error code)',
    ['upstream', 'method', 'outcome'],
    UPSTREAM_BUCKETS,
  );
  const retries = metrics.counter(
    'gateway_upstream_retries_total',
    'Retries of idempotent requests, by upstream and the outcome that caused them',
    ['upstream', 'outcome'],
  );
  const rejections = metrics.counter(
    'gateway_rate_limit_rejections_total',
    'Requests refused with 429, by key kind (user: JWT subject, ip: anonymous)',
    ['key_kind'],
  );
  const fallbacks = metrics.counter(
    'gateway_rate_limit_store_fallbacks_total',
    'Rate-limit decisions taken by the in-process store because the shared store (Redis) failed',
  );
  return {
    upstreamAttempt: (upstream, method, outcome, seconds) =>
      attempts.observe({ upstream, method, outcome }, seconds),
    retry: (upstream, outcome) => retries.inc({ upstream, outcome }),
    rateLimited: (key_kind) => rejections.inc({ key_kind }),
    rateLimitStoreFallback: () => fallbacks.inc(),
  };
}
