import type { Decimal } from 'decimal.js';
import { Dec, STORAGE_SCALE } from '../../platform/decimal.js';
import type { TradingDomainErrorCode } from './errors.js';

export interface DecimalRules {
  /** Most fractional digits accepted (never more than numeric(38,18) keeps). */
  readonly maxScale?: number;
  /** Most integer digits accepted (numeric(38,18) keeps 20). */
  readonly maxIntegerDigits?: number;
  /** Refuse zero (prices and quantities must be > 0). Defaults to true. */
  readonly positive?: boolean;
}

export type DecimalParse =
  | { readonly ok: true; readonly value: Decimal }
  | { readonly ok: false; readonly code: TradingDomainErrorCode; readonly reason: string };

// Plain digits only: no sign, exponent, whitespace, "NaN", "Infinity", ".5" or "5.".
// A leading zero is allowed only as the sole integer digit so that every value has one
// spelling up to trailing fractional zeros.
const PLAIN_DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Parses a money or quantity value from a request body. Only JSON strings are accepted:
 * a JSON number has already been through a binary float by the time it reaches us, so
 * its exact value is unknowable and it is refused.
 */
export function parseDecimal(field: string, raw: unknown, rules: DecimalRules = {}): DecimalParse {
  const maxScale = Math.min(rules.maxScale ?? STORAGE_SCALE, STORAGE_SCALE);
  const maxIntegerDigits = Math.min(rules.maxIntegerDigits ?? 20, 20);
  const positive = rules.positive ?? true;
  if (typeof raw !== 'string') {
    return fail(
      'ALP_ORDERS_DECIMAL_NOT_STRING',
      `${field} must be a decimal string, got ${typeName(raw)}`,
    );
  }
  const match = PLAIN_DECIMAL.exec(raw);
  if (match === null) {
    return fail(
      'ALP_ORDERS_DECIMAL_MALFORMED',
      `${field} is not a plain decimal: ${JSON.stringify(raw.slice(0, 40))}`,
    );
  }
  const integerPart = match[1] ?? '';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > maxScale) {
    return fail(
      'ALP_ORDERS_DECIMAL_SCALE',
      `${field} has ${fraction.length} fractional digits; at most ${maxScale} allowed`,
    );
  }
  if (integerPart.length > maxIntegerDigits) {
    return fail(
      'ALP_ORDERS_DECIMAL_TOO_LARGE',
      `${field} has ${integerPart.length} integer digits; at most ${maxIntegerDigits} allowed`,
    );
  }
  const value = new Dec(raw);
  if (positive && !value.gt(0)) {
    return fail('ALP_ORDERS_DECIMAL_NOT_POSITIVE', `${field} must be greater than zero`);
  }
  return { ok: true, value };
}

function fail(code: TradingDomainErrorCode, reason: string): DecimalParse {
  return { ok: false, code, reason };
}

function typeName(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'array';
  return typeof raw;
}
