import { dec, Dec } from '../../platform/decimal.js';
import { feeFor } from './fees.js';
import type { Instrument } from './instruments.js';
import type { Quote } from './market-simulator.js';
import type { BrokerFill, BrokerOrder, SubmitOrderRequest } from './broker-order.js';

export type SubmissionCheck =
  | { readonly kind: 'new' }
  /** The same client order id with the same terms: answer the existing order, fill nothing. */
  | { readonly kind: 'duplicate'; readonly order: BrokerOrder }
  /** The same client order id with different terms: refuse. */
  | { readonly kind: 'conflict'; readonly order: BrokerOrder };

/** Recognises a repeated client order id (the broker never fills one twice). */
export function checkSubmission(
  existing: BrokerOrder | undefined,
  request: SubmitOrderRequest,
): SubmissionCheck {
  if (existing === undefined) return { kind: 'new' };
  const same =
    existing.symbol === request.symbol &&
    existing.side === request.side &&
    existing.type === request.type &&
    dec(existing.quantity).eq(request.quantity) &&
    (existing.limitPrice === null
      ? request.limitPrice === undefined
      : request.limitPrice !== undefined && dec(existing.limitPrice).eq(request.limitPrice));
  return same ? { kind: 'duplicate', order: existing } : { kind: 'conflict', order: existing };
}

/** A new working order; it will be matched from `step` on (the step it arrived in). */
export function openOrder(request: SubmitOrderRequest, step: number): BrokerOrder {
  return {
    accountId: request.accountId,
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    quantity: dec(request.quantity).toFixed(),
    limitPrice: request.limitPrice === undefined ? null : dec(request.limitPrice).toFixed(),
    status: 'working',
    filledQty: '0',
    matchedThroughStep: step - 1,
    fillCount: 0,
  };
}

export interface MatchOptions {
  readonly instrument: Instrument;
  /** The quote at a step (the simulator, or a recorded feed in tests). */
  readonly quoteAt: (step: number) => Quote;
  readonly feeRateCentiBps: number;
  /** Most steps one call will walk; an order idle longer catches up over several calls. */
  readonly maxSteps?: number;
}

/**
 * Matches a working order against every step it has not seen, up to `throughStep`, in
 * step order: the same order and the same market always give the same fills, however
 * often and whenever the caller asks. At each step a buy takes the ask (a sell the bid)
 * when it is marketable (market order, or the price crossed the limit), for at most the
 * size displayed on that side: the liquidity rule that makes partial fills.
 */
export function matchOrder(
  order: BrokerOrder,
  throughStep: number,
  options: MatchOptions,
): { readonly order: BrokerOrder; readonly fills: readonly BrokerFill[] } {
  if (order.status !== 'working') return { order, fills: [] };
  const fills: BrokerFill[] = [];
  let filled = dec(order.filledQty);
  const quantity = dec(order.quantity);
  const last = Math.min(throughStep, order.matchedThroughStep + (options.maxSteps ?? 10_000));
  let step = order.matchedThroughStep + 1;
  for (; step <= last && filled.lt(quantity); step += 1) {
    const quote = options.quoteAt(step);
    const price = order.side === 'buy' ? quote.ask : quote.bid;
    if (!isMarketable(order, price)) continue;
    const displayed = dec(order.side === 'buy' ? quote.askSize : quote.bidSize);
    const take = Dec.min(quantity.minus(filled), displayed);
    if (!take.gt(0)) continue;
    filled = filled.plus(take);
    const n = order.fillCount + fills.length + 1;
    fills.push({
      execId: `${order.accountId}/${order.clientOrderId}/${n}`,
      accountId: order.accountId,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: take.toFixed(),
      price,
      fee: feeFor(
        take.times(price),
        options.feeRateCentiBps,
        options.instrument.currency,
      ).toFixed(),
      currency: options.instrument.currency,
      step,
    });
  }
  const done = filled.eq(quantity);
  return {
    order: {
      ...order,
      status: done ? 'filled' : 'working',
      filledQty: filled.toFixed(),
      // A filled order stops at its last fill; a working one has seen every step walked.
      matchedThroughStep: done
        ? (fills.at(-1)?.step ?? order.matchedThroughStep)
        : Math.max(order.matchedThroughStep, last),
      fillCount: order.fillCount + fills.length,
    },
    fills,
  };
}

function isMarketable(order: BrokerOrder, price: string): boolean {
  if (order.type === 'market' || order.limitPrice === null) return true;
  return order.side === 'buy' ? dec(price).lte(order.limitPrice) : dec(price).gte(order.limitPrice);
}

export type CancelOutcome =
  | { readonly kind: 'canceled'; readonly order: BrokerOrder; readonly canceledQty: string }
  | { readonly kind: 'already-canceled'; readonly order: BrokerOrder }
  | { readonly kind: 'too-late'; readonly order: BrokerOrder };

/** Cancels what is left of a working order (match it up to now first, so fills that happened count). */
export function cancelOrder(order: BrokerOrder): CancelOutcome {
  if (order.status === 'canceled') return { kind: 'already-canceled', order };
  if (order.status === 'filled') return { kind: 'too-late', order };
  return {
    kind: 'canceled',
    order: { ...order, status: 'canceled' },
    canceledQty: dec(order.quantity).minus(order.filledQty).toFixed(),
  };
}
