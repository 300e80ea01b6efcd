import type { Decimal } from 'decimal.js';
import { formatDecimal } from '../../platform/decimal.js';
import type { OrderState } from './order-types.js';

/** The state of an order just created: nothing filled, everything leaves. */
export function newOrderState(quantity: Decimal): OrderState {
  if (!quantity.gt(0)) throw new RangeError('order quantity must be positive');
  return {
    status: 'PendingNew',
    quantity: formatDecimal(quantity),
    cumQty: '0',
    leavesQty: formatDecimal(quantity),
    cumNotional: '0',
    avgPx: null,
    execIds: [],
    reason: null,
  };
}
