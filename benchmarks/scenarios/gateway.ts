import type { Scenario } from './scenario.js';

/**
 * The gateway's own cost on a cheap route (simulated quotes, no database): the hop is most
 * of the work here, so the ratio is expected near the ~0.3x a bare reverse-proxy hop keeps
 * of hello-world on 2 cores (ARCHITECTURE.md §7), not the 0.6x of a DB-backed read.
 */
export const gateway = {
  id: 'gateway',
  title: 'GET /api/v1/market/quotes?symbols=AAPL through the gateway vs direct to broker',
  source: 'SUITES.md gateway: p99 < 100 ms; ratio floor 0.3x from the measured bare hop',
  target: 'gateway',
  request: { method: 'GET', path: '/api/v1/market/quotes?symbols=AAPL' },
  auth: 'bench-user',
  connections: 100,
  durationS: 10,
  warmupS: 3,
  slo: { p99Ms: 100, minRps: 0, maxErrorRate: 0 },
  compareTo: { target: 'broker', minThroughputRatio: 0.3 },
} satisfies Scenario & { readonly id: 'gateway' };
