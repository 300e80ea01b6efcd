import type { Decimal } from 'decimal.js';
import { Dec } from '../../platform/decimal.js';
import type { TradingDomainErrorCode } from './errors.js';

export interface Increments {
  /** Smallest price step, e.g. "0.01". */
  readonly tickSize: string;
  /** Smallest quantity step, e.g. "1" for equities or "0.0001" for a crypto pair. */
  readonly lotSize: string;
}

export type IncrementCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: TradingDomainErrorCode; readonly reason: string };

/** Exact: value mod step == 0 in decimal arithmetic (never a float remainder). */
export function isMultipleOf(value: Decimal, step: string): boolean {
  const s = new Dec(step);
  if (!s.gt(0)) throw new RangeError(`increment must be positive, got ${step}`);
  return value.mod(s).isZero();
}

export function checkPriceTick(price: Decimal, increments: Increments): IncrementCheck {
  if (isMultipleOf(price, increments.tickSize)) return { ok: true };
  return {
    ok: false,
    code: 'ALP_ORDERS_PRICE_OFF_TICK',
    reason: `price ${price.toFixed()} is not a multiple of the tick size ${increments.tickSize}`,
  };
}

export function checkQuantityLot(quantity: Decimal, increments: Increments): IncrementCheck {
  if (isMultipleOf(quantity, increments.lotSize)) return { ok: true };
  return {
    ok: false,
    code: 'ALP_ORDERS_QUANTITY_OFF_LOT',
    reason: `quantity ${quantity.toFixed()} is not a multiple of the lot size ${increments.lotSize}`,
  };
}
