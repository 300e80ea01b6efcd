import type { Decimal } from 'decimal.js';
import { Dec } from './decimal.js';

/**
 * a / b rounded half-even to `scale` fractional digits, computed on integers so that the
 * result is the correctly rounded quotient (one rounding, never a rounding of a rounding).
 * Used for average prices and average costs, the only places the domain divides.
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
