import { Decimal } from 'decimal.js';

/**
 * The one decimal type of the risk domain (same settings as trading's). A private clone so that nobody's global
 * Decimal configuration changes our arithmetic: 80 significant digits hold any product of
 * two numeric(38,18) values exactly, half-even rounding is used only where a division
 * forces a rounding (average price), and exponent notation is never produced.
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
