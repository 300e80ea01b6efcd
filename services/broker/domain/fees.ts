import type { Decimal } from 'decimal.js';
import { Dec } from '../../platform/decimal.js';

/** Decimal places of each cash currency; fees are charged in whole units of it. */
export const CURRENCY_SCALE: { readonly [currency: string]: number } = { USD: 2, EUR: 2, USDT: 6 };

export function currencyScale(currency: string): number {
  return CURRENCY_SCALE[currency] ?? 2;
}

/**
 * Fee on a fill: notional × rate, rounded half-up to the currency's smallest unit (a
 * broker charges whole cents). The rate is in hundredths of a basis point so that
 * fractional-bps schedules stay integers: 1000 = 10 bps = 0.1 %.
 */
export function feeFor(notional: Decimal, feeRateCentiBps: number, currency: string): Decimal {
  if (!Number.isSafeInteger(feeRateCentiBps) || feeRateCentiBps < 0) {
    throw new RangeError('feeRateCentiBps must be a non-negative integer');
  }
  return notional
    .times(feeRateCentiBps)
    .div(1_000_000)
    .toDecimalPlaces(currencyScale(currency), Dec.ROUND_HALF_UP);
}
