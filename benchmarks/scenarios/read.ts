import type { Scenario } from './scenario.js';

/** Authenticated read backed by Postgres (user profile), through the gateway vs straight to user. */
export const read = {
  id: 'read',
  title: 'GET /api/v1/users/me through the gateway vs direct to user',
  source:
    'SUITES.md read: p99 < 100 ms; issue 4: gateway throughput >= 0.6x direct at 100 connections',
  target: 'gateway',
  request: { method: 'GET', path: '/api/v1/users/me' },
  auth: 'bench-user',
  connections: 100,
  durationS: 10,
  warmupS: 3,
  slo: { p99Ms: 100, minRps: 0, maxErrorRate: 0 },
  compareTo: { target: 'user', minThroughputRatio: 0.6, maxAddedP50Ms: 1.5, maxAddedP99Ms: 3 },
} satisfies Scenario & { readonly id: 'read' };
