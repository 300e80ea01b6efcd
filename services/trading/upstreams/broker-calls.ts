import type { FastifyInstance } from 'fastify';
import { isUpstreamRejected, type CallContext } from '../../platform/index.js';
import { REJECT_REASONS } from '../errors.js';
import type { OrderRow } from '../store/order-row.js';
import { orderView } from '../store/order-row.js';
import type { BrokerOrderAnswer } from './broker-reports.js';
import { QuoteCache, type QuotePrices } from './quote-cache.js';
import { batchersBy, settledValue, type Settled } from '../../platform/batcher.js';
import { batchSizes } from '../orders/batch-metrics.js';

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

function orderTerms(row: OrderRow) {
  const v = orderView(row);
  return {
    userId: row.user_id,
    clientOrderId: row.client_order_id,
    symbol: v.symbol,
    side: v.side,
    type: v.type,
    quantity: v.quantity,
    ...(v.limitPrice !== null && { limitPrice: v.limitPrice }),
  };
}

interface PendingOrder {
  readonly row: OrderRow;
  readonly context: CallContext | undefined;
  readonly timeoutMs: number;
}

type BatchResult =
  { status: 200; order: BrokerOrderAnswer } | { status: number; code?: string; detail?: string };

function outcomeOf(result: BatchResult | undefined): BrokerOutcome {
  if (result?.status === 200 && 'order' in result) return { kind: 'answer', answer: result.order };
  const code = result && 'code' in result ? result.code : undefined;
  if (result && isDefiniteRefusal(result.status, code)) {
    return { kind: 'refused', code: code ?? REJECT_REASONS.brokerRefused };
  }
  return { kind: 'unknown', error: new Error(`broker answered ${JSON.stringify(result)}`) };
}

/**
 * One call to `POST /internal/broker/order-batches` for every order that arrived together.
 * Each order gets its own outcome. A whole batch refused (a 4xx: one order the broker's
 * schema refuses) is sent again order by order, so that order alone is refused; a batch
 * that failed otherwise (down, timeout, 5xx) leaves every order's outcome unknown.
 */
async function submitBatch(
  app: FastifyInstance,
  items: readonly PendingOrder[],
): Promise<Settled<BrokerOutcome>[]> {
  const single = (i: PendingOrder) =>
    brokerCall(app, '/internal/broker/orders', orderTerms(i.row), i.context, i.timeoutMs);
  if (items.length === 1) return [settledValue(await single(items[0]!))];
  const context = items.find((i) => i.context)?.context;
  try {
    const res = await app.services.call<{ results?: unknown }>('broker', {
      method: 'POST',
      path: '/internal/broker/order-batches',
      body: {
        orders: items.map((i) => ({
          ...orderTerms(i.row),
          ...(i.context && { requestId: i.context.id }),
        })),
      },
      timeoutMs: Math.min(...items.map((i) => i.timeoutMs)),
      ...(context && { context }),
    });
    const results = res.body?.results;
    if (!Array.isArray(results) || results.length !== items.length) {
      const error = new Error('the broker answered something that is not a list of results');
      return items.map(() => settledValue<BrokerOutcome>({ kind: 'unknown', error }));
    }
    return results.map((r: BatchResult | undefined) => settledValue(outcomeOf(r)));
  } catch (err) {
    if (isUpstreamRejected(err) && err.upstream.status >= 400 && err.upstream.status < 500) {
      return Promise.all(items.map(async (i) => settledValue(await single(i))));
    }
    return items.map(() => settledValue<BrokerOutcome>({ kind: 'unknown', error: err }));
  }
}

const brokerBatcherOf = batchersBy((app: FastifyInstance) => ({
  run: (items: readonly PendingOrder[]) => submitBatch(app, items),
  onBatch: batchSizes(app, 'broker-orders'),
  maxInFlight: 2,
  maxBatch: 256,
}));

/** Sends an order to the broker; orders that arrive together go as one batch. */
export function submitToBroker(
  app: FastifyInstance,
  row: OrderRow,
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<BrokerOutcome> {
  return brokerBatcherOf(app).submit({ row, context, timeoutMs });
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
