import { Decimal } from 'decimal.js';

/**
 * The one decimal type of the platform (trading, risk, broker). A private clone so that
 * nobody's global Decimal configuration changes our arithmetic: 80 significant digits hold
 * any product of two numeric(38,18) values exactly, half-even rounding is used only where a
 * division forces a rounding (average price), and exponent notation is never produced.
 */
export const Dec = Decimal.clone({
  precision: 80,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

export type Dec = Decimal;

/** Scale of numeric(38,18): the most fractional digits a stored value keeps. */
export const STORAGE_SCALE = 18;

/** Canonical wire form: plain digits, no exponent, no trailing zeros ("1.50" -> "1.5"). */
export function formatDecimal(value: Decimal): string {
  return value.toFixed();
}

/** Parses a value already known to be a valid decimal string (our own stored values). */
export function dec(value: string | Decimal): Decimal {
  return new Dec(value);
}

/**
 * a / b rounded half-even to `scale` fractional digits, computed on integers so that the
 * result is the correctly rounded quotient (one rounding, never a rounding of a rounding).
 * Used for average prices and average costs, the only places the domains divide.
 */
export function divideRounded(a: Decimal, b: Decimal, scale: number): Decimal {
  if (b.isZero()) throw new RangeError('division by zero');
  const places = Math.max(a.decimalPlaces(), b.decimalPlaces());
  const factor = new Dec(10).pow(places);
  const numerator = BigInt(a.abs().times(factor).toFixed()) * 10n ** BigInt(scale);
  const denominator = BigInt(b.abs().times(factor).toFixed());
  let quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  const negative = a.isNegative() !== b.isNegative() && !a.isZero();
  const magnitude = new Dec(quotient.toString()).div(new Dec(10).pow(scale));
  return negative ? magnitude.negated() : magnitude;
}
