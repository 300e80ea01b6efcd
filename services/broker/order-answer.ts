import { dec, Dec, divideRounded, formatDecimal, STORAGE_SCALE } from '../platform/decimal.js';
import type { BrokerFill, BrokerOrder } from './domain/broker-order.js';

/** Order status on the wire: trading's FIX names, so it maps one to one. */
export type OrderAnswerStatus = 'New' | 'PartiallyFilled' | 'Filled' | 'Canceled';

/** What the internal order routes answer (decimal strings, canonical form). */
export interface OrderAnswer {
  readonly clientOrderId: string;
  readonly status: OrderAnswerStatus;
  readonly cumQty: string;
  /** What can still fill: 0 once filled or canceled. */
  readonly leavesQty: string;
  /** Σ(quantity × price) / cumQty, half-even to 18 places; null before the first fill. */
  readonly avgPrice: string | null;
  readonly fills: readonly {
    readonly execId: string;
    readonly quantity: string;
    readonly price: string;
    readonly fee: string;
  }[];
}

export function answerStatus(order: BrokerOrder): OrderAnswerStatus {
  if (order.status === 'filled') return 'Filled';
  if (order.status === 'canceled') return 'Canceled';
  return dec(order.filledQty).isZero() ? 'New' : 'PartiallyFilled';
}

export function leavesOf(order: BrokerOrder): string {
  return order.status === 'working'
    ? formatDecimal(dec(order.quantity).minus(order.filledQty))
    : '0';
}

/** The answer for an order and all its fills (the same for a first call and any repeat). */
export function orderAnswer(order: BrokerOrder, fills: readonly BrokerFill[]): OrderAnswer {
  let qty = new Dec(0);
  let notional = new Dec(0);
  for (const f of fills) {
    qty = qty.plus(f.quantity);
    notional = notional.plus(dec(f.quantity).times(f.price));
  }
  return {
    clientOrderId: order.clientOrderId,
    status: answerStatus(order),
    cumQty: formatDecimal(dec(order.filledQty)),
    leavesQty: leavesOf(order),
    avgPrice: qty.isZero() ? null : formatDecimal(divideRounded(notional, qty, STORAGE_SCALE)),
    fills: fills.map((f) => ({
      execId: f.execId,
      quantity: formatDecimal(dec(f.quantity)),
      price: formatDecimal(dec(f.price)),
      fee: formatDecimal(dec(f.fee)),
    })),
  };
}
