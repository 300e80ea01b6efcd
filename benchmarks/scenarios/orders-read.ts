import type { Scenario } from './scenario.js';

/**
 * A user's orders (keyset page from trading's Postgres) through the gateway. The bench user
 * gets 50 orders first, so every request reads a full default page (50 orders). The same
 * request straight to trading runs alongside, ungated: it shows how much of the gap to the
 * target is the service itself and how much the hop.
 */
export const ordersRead = {
  id: 'orders-read',
  title: 'GET /api/v1/orders through the gateway vs direct to trading',
  source: 'issue 5: >= 4000 req/s and p99 <= 40 ms at 100 connections',
  target: 'gateway',
  request: { method: 'GET', path: '/api/v1/orders' },
  auth: 'bench-user',
  seedOrders: 50,
  connections: 100,
  durationS: 10,
  warmupS: 3,
  slo: { p99Ms: 40, minRps: 4000, maxErrorRate: 0 },
  compareTo: { target: 'trading' },
} satisfies Scenario & { readonly id: 'orders-read' };
