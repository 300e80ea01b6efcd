import type { FastifyInstance } from 'fastify';
import { isUpstreamRejected } from '../../platform/index.js';

/** The part of trading's order view a signal keeps. */
export interface PlacedOrder {
  readonly id: string;
  readonly status: string;
  readonly cumQty: string;
}

export type PlaceOutcome =
  | { readonly kind: 'placed'; readonly order: PlacedOrder }
  /** Trading refused the order for good (invalid, or the key used with another order). */
  | { readonly kind: 'refused'; readonly code: string }
  /** No answer, or one to retry: the next evaluation retries with the same key. */
  | { readonly kind: 'retry'; readonly error: unknown };

/** Answers that the same request would get again (409 in progress, 401, 429, 5xx: retried). */
const REFUSED = new Set([400, 404, 422]);

export interface LiveOrder {
  readonly userId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly idempotencyKey: string;
}

/**
 * A market order for the strategy's owner through trading's `POST /internal/orders` (the
 * path of a user's own order: risk, broker, audit, outbox), with the Idempotency-Key header:
 * a retry with the same key never places twice.
 */
export async function placeLiveOrder(app: FastifyInstance, o: LiveOrder): Promise<PlaceOutcome> {
  try {
    const res = await app.services.call<PlacedOrder>('trading', {
      method: 'POST',
      path: '/internal/orders',
      headers: { 'idempotency-key': o.idempotencyKey },
      body: {
        userId: o.userId,
        symbol: o.symbol,
        side: o.side,
        type: 'market',
        quantity: o.quantity,
      },
      timeoutMs: 15_000,
    });
    return { kind: 'placed', order: res.body };
  } catch (err) {
    if (isUpstreamRejected(err) && REFUSED.has(err.upstream.status)) {
      return { kind: 'refused', code: err.upstream.code ?? `HTTP ${err.upstream.status}` };
    }
    return { kind: 'retry', error: err };
  }
}

/**
 * The order as trading holds it now (`GET /internal/orders/:id`, for its user), or null when
 * trading does not answer: the next pass reads it again.
 */
export async function readLiveOrder(
  app: FastifyInstance,
  userId: string,
  orderId: string,
): Promise<PlacedOrder | null> {
  try {
    const res = await app.services.call<PlacedOrder>('trading', {
      path: `/internal/orders/${encodeURIComponent(orderId)}?userId=${encodeURIComponent(userId)}`,
      timeoutMs: 5_000,
    });
    return res.body;
  } catch (err) {
    app.log.warn({ err, orderId }, "reading a signal's order from trading failed");
    return null;
  }
}
