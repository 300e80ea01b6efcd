import type { Decimal } from 'decimal.js';
import { Dec } from '../../../platform/decimal.js';

/** The instrument's trading units, as the broker lists them. */
export interface Lots {
  /** Smallest tradable quantity step, e.g. "1" for shares, "0.00001" for BTC. */
  readonly lotSize: Decimal;
  /** Decimal places of the cash currency: fees are charged in whole units of it (cents). */
  readonly cashScale: number;
}

/** Largest multiple of the lot size not above `quantity` (0 when below one lot). */
export function floorToLot(quantity: Decimal, lots: Lots): Decimal {
  if (quantity.lte(0)) return new Dec(0);
  // The quotient may be rounded at 80 digits; the check below makes the floor exact anyway.
  let n = quantity.div(lots.lotSize).floor();
  while (n.gt(0) && n.times(lots.lotSize).gt(quantity)) n = n.minus(1);
  return n.times(lots.lotSize);
}

/** Fee on a trade: notional × rate, rounded half-up to the currency's smallest unit (as the broker does). */
export function feeOn(notional: Decimal, feeRate: Decimal, lots: Lots): Decimal {
  return notional.times(feeRate).toDecimalPlaces(lots.cashScale, Dec.ROUND_HALF_UP);
}

/** Cost of buying `quantity` at `price`: notional plus fee. */
export function buyCost(price: Decimal, quantity: Decimal, feeRate: Decimal, lots: Lots): Decimal {
  const notional = price.times(quantity);
  return notional.plus(feeOn(notional, feeRate, lots));
}

/**
 * Largest whole-lot quantity whose cost (fee included) fits in `budget`, never above `cap`.
 * The estimate comes from a division; the exact cost check then steps down lot by lot.
 */
export function affordableQuantity(
  budget: Decimal,
  price: Decimal,
  feeRate: Decimal,
  lots: Lots,
  cap?: Decimal,
): Decimal {
  let q = floorToLot(budget.div(price.times(feeRate.plus(1))), lots);
  if (cap !== undefined && q.gt(cap)) q = floorToLot(cap, lots);
  while (q.gt(0) && buyCost(price, q, feeRate, lots).gt(budget)) q = q.minus(lots.lotSize);
  return q.gt(0) ? q : new Dec(0);
}
