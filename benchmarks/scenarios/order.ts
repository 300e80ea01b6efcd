import { randomUUID } from 'node:crypto';
import type { Scenario } from './scenario.js';

/**
 * A market buy of 1 AAPL must end Filled. Trading answers 201 for every order it decided,
 * Rejected included, so any other status counts as a refusal, labelled with its reason.
 */
export function orderRefusal(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'malformed order body';
  const { status, reason } = body as { status?: unknown; reason?: unknown };
  if (typeof status !== 'string') return 'malformed order body';
  if (status === 'Filled') return undefined;
  return typeof reason === 'string' && reason !== '' ? `${status}: ${reason}` : status;
}

/** Order placement through the gateway: trading → risk → broker, with writes, outbox and audit. */
export const order = {
  id: 'order',
  title: 'POST /api/v1/orders (market buy 1 AAPL, unique Idempotency-Key) through the gateway',
  source:
    'issue 5: >= 1000 orders/s at 50 connections for 20 s, zero errors; p99 <= 20 ms at 500/s',
  target: 'gateway',
  request: {
    method: 'POST',
    path: '/api/v1/orders',
    body: () => ({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' }),
    headers: () => ({ 'idempotency-key': `bench-${randomUUID()}` }),
    refusal: orderRefusal,
  },
  auth: 'bench-user',
  // Five connections per user: one user's orders serialise on its risk and account rows.
  users: 10,
  placesOrders: true,
  connections: 50,
  durationS: 20,
  warmupS: 3,
  slo: { p99Ms: 150, minRps: 1000, maxErrorRate: 0, openModelP99Ms: 20 },
} satisfies Scenario & { readonly id: 'order' };
