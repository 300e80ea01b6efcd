import type { Scenario } from './scenario.js';

/** A user's orders (keyset page from trading's Postgres) through the gateway. */
export const ordersRead = {
  id: 'orders-read',
  title: 'GET /api/v1/orders through the gateway',
  source: 'issue 5: >= 4000 req/s and p99 <= 40 ms at 100 connections',
  target: 'gateway',
  request: { method: 'GET', path: '/api/v1/orders' },
  auth: 'bench-user',
  connections: 100,
  durationS: 10,
  warmupS: 3,
  slo: { p99Ms: 40, minRps: 4000, maxErrorRate: 0 },
} satisfies Scenario & { readonly id: 'orders-read' };
