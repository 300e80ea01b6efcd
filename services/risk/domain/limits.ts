/** A user's pre-trade limits. Amounts are decimal strings in the quote currency. */
export interface RiskLimits {
  /** Largest quantity × price of one order. */
  readonly maxOrderNotional: string;
  /** Largest absolute position per symbol, counting open orders in the worst case. */
  readonly maxPositionQty: string;
  /** Realised loss in the current UTC day at which new orders are refused. */
  readonly maxDailyLoss: string;
  /** Orders approved per rolling minute window. */
  readonly maxOrdersPerMinute: number;
  readonly restrictedSymbols: readonly string[];
}

export const DEFAULT_RISK_LIMITS: RiskLimits = {
  maxOrderNotional: '1000000',
  maxPositionQty: '100000',
  maxDailyLoss: '50000',
  maxOrdersPerMinute: 6000,
  restrictedSymbols: [],
};

const AMOUNT = /^(0|[1-9][0-9]{0,19})(\.[0-9]{1,18})?$/;
const SYMBOL = /^[A-Z0-9][A-Z0-9.-]{0,19}$/;

export type LimitsValidation =
  | { readonly ok: true; readonly limits: RiskLimits }
  | {
      readonly ok: false;
      readonly problems: readonly { readonly field: string; readonly message: string }[];
    };

/**
 * Checks a full set of limits (as sent to PUT /api/v1/risk/limits) and reports every
 * problem at once. Amounts are decimal strings that fit numeric(38,18).
 */
export function validateLimits(input: Record<string, unknown>): LimitsValidation {
  const problems: { field: string; message: string }[] = [];
  for (const field of ['maxOrderNotional', 'maxPositionQty', 'maxDailyLoss'] as const) {
    const value = input[field];
    if (typeof value !== 'string' || !AMOUNT.test(value)) {
      problems.push({
        field,
        message: 'must be a non-negative decimal string with at most 18 fractional digits',
      });
    }
  }
  const rate = input['maxOrdersPerMinute'];
  if (typeof rate !== 'number' || !Number.isSafeInteger(rate) || rate < 0) {
    problems.push({ field: 'maxOrdersPerMinute', message: 'must be a non-negative integer' });
  }
  const symbols = input['restrictedSymbols'];
  if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string' && SYMBOL.test(s))) {
    problems.push({ field: 'restrictedSymbols', message: 'must be a list of upper-case symbols' });
  }
  const known = new Set([
    'maxOrderNotional',
    'maxPositionQty',
    'maxDailyLoss',
    'maxOrdersPerMinute',
    'restrictedSymbols',
  ]);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) problems.push({ field: key, message: 'is not a limit' });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    limits: {
      maxOrderNotional: input['maxOrderNotional'] as string,
      maxPositionQty: input['maxPositionQty'] as string,
      maxDailyLoss: input['maxDailyLoss'] as string,
      maxOrdersPerMinute: rate as number,
      restrictedSymbols: [...new Set(symbols as string[])].sort(),
    },
  };
}
