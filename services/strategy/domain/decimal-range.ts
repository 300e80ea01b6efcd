import { Decimal } from 'decimal.js';
import type { ParameterProblem } from './parameter-problems.js';

const PLAIN = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

export interface DecimalBounds {
  /** Exclusive lower bound. */
  readonly above?: string;
  /** Exclusive upper bound. */
  readonly below?: string;
}

/**
 * Range problem of one decimal-string field, or none. Values that are not plain decimal
 * strings are left to the schema check, which reports them already.
 */
export function decimalRangeProblems(
  parameters: Readonly<Record<string, unknown>>,
  field: string,
  bounds: DecimalBounds,
): ParameterProblem[] {
  const raw = parameters[field];
  if (typeof raw !== 'string' || !PLAIN.test(raw)) return [];
  const value = new Decimal(raw);
  const tooLow = bounds.above !== undefined && value.lte(bounds.above);
  const tooHigh = bounds.below !== undefined && value.gte(bounds.below);
  if (!tooLow && !tooHigh) return [];
  const range = [
    bounds.above !== undefined ? `greater than ${bounds.above}` : undefined,
    bounds.below !== undefined ? `less than ${bounds.below}` : undefined,
  ]
    .filter((s) => s !== undefined)
    .join(' and ');
  return [{ path: `/${field}`, message: `Expected ${range}, got "${raw}"` }];
}
