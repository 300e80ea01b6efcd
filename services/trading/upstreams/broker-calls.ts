import type { FastifyInstance } from 'fastify';
import { isUpstreamRejected, type CallContext } from '../../platform/index.js';
import { REJECT_REASONS } from '../errors.js';
import type { OrderRow } from '../store/order-row.js';
import { orderView } from '../store/order-row.js';
import type { BrokerOrderAnswer } from './broker-reports.js';
import { QuoteCache, type QuotePrices } from './quote-cache.js';

/**
 * What came of a call to the broker. `unknown` means the call may or may not have reached it
 * (down, timeout, 5xx): the order must stay as it is and the call be repeated later under
 * the same client order id (the broker never fills one twice).
 */
export type BrokerOutcome =
  | { readonly kind: 'answer'; readonly answer: BrokerOrderAnswer }
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'unknown'; readonly error: unknown };

function isDefiniteRefusal(status: number, code: string | undefined): boolean {
  return (
    status === 400 || status === 409 || status === 422 || code === 'ALP_BROKER_ORDER_NOT_FOUND'
  );
}

async function brokerCall(
  app: FastifyInstance,
  path: string,
  body: unknown,
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<BrokerOutcome> {
  try {
    const res = await app.services.call<BrokerOrderAnswer>('broker', {
      method: body === undefined ? 'GET' : 'POST',
      path,
      ...(body !== undefined && { body }),
      timeoutMs,
      ...(context && { context }),
    });
    return { kind: 'answer', answer: res.body };
  } catch (err) {
    // 400/409/422 and "no such order" are a definite "no" (the broker looked and refused);
    // anything else (down, timeout, 5xx, 401/403 from a credential problem) is unknown.
    if (isUpstreamRejected(err) && isDefiniteRefusal(err.upstream.status, err.upstream.code)) {
      return { kind: 'refused', code: err.upstream.code ?? REJECT_REASONS.brokerRefused };
    }
    return { kind: 'unknown', error: err };
  }
}

export function submitToBroker(
  app: FastifyInstance,
  row: OrderRow,
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<BrokerOutcome> {
  const v = orderView(row);
  return brokerCall(
    app,
    '/internal/broker/orders',
    {
      userId: row.user_id,
      clientOrderId: row.client_order_id,
      symbol: v.symbol,
      side: v.side,
      type: v.type,
      quantity: v.quantity,
      ...(v.limitPrice !== null && { limitPrice: v.limitPrice }),
    },
    context,
    timeoutMs,
  );
}

/**
 * What the broker holds under the order's client order id: its answer, `refused` when it
 * holds nothing (ALP_BROKER_ORDER_NOT_FOUND), or `unknown` when it could not be asked.
 */
export function findAtBroker(
  app: FastifyInstance,
  row: OrderRow,
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<BrokerOutcome> {
  const cid = encodeURIComponent(row.client_order_id);
  return brokerCall(
    app,
    `/internal/broker/orders/${cid}?userId=${encodeURIComponent(row.user_id)}`,
    undefined,
    context,
    timeoutMs,
  );
}

export function cancelAtBroker(
  app: FastifyInstance,
  row: OrderRow,
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<BrokerOutcome> {
  return brokerCall(
    app,
    `/internal/broker/orders/${encodeURIComponent(row.client_order_id)}/cancel`,
    { userId: row.user_id },
    context,
    timeoutMs,
  );
}

const quoteCaches = new WeakMap<FastifyInstance, QuoteCache>();

function quoteCacheOf(app: FastifyInstance): QuoteCache {
  let cache = quoteCaches.get(app);
  if (!cache) {
    cache = new QuoteCache();
    quoteCaches.set(app, cache);
  }
  return cache;
}

/**
 * Reference price for a market order's risk check: the ask to buy, the bid to sell. Quotes
 * the broker marks valid until the next market step are reused until then (QuoteCache).
 */
export async function referencePrice(
  app: FastifyInstance,
  symbol: string,
  side: 'buy' | 'sell',
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<string | undefined> {
  const cache = quoteCacheOf(app);
  let q: QuotePrices | undefined = cache.get(symbol);
  if (!q) {
    try {
      const res = await app.services.call<unknown>('broker', {
        path: `/api/v1/market/quotes?symbols=${encodeURIComponent(symbol)}`,
        timeoutMs,
        ...(context && { context }),
      });
      const body = res.body as { quotes?: unknown; validUntil?: unknown } | unknown[];
      const list = (Array.isArray(body) ? body : body.quotes) as
        (QuotePrices & { symbol?: string })[] | undefined;
      q = list?.find((x) => x.symbol === symbol);
      if (q && !Array.isArray(body)) cache.set(symbol, q, body.validUntil);
    } catch (err) {
      app.log.warn({ err, symbol }, 'no reference price from the broker');
      return undefined;
    }
  }
  const price = side === 'buy' ? (q?.ask ?? q?.last) : (q?.bid ?? q?.last);
  return typeof price === 'string' ? price : undefined;
}
