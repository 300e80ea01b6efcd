import { describe, expect, test } from 'vitest';
import { DEFAULT_RISK_LIMITS, validateLimits } from './limits.js';
import { RISK_RULE_CODES, RISK_RULES } from './rules.js';

describe('limits', () => {
  test('the defaults validate', () => {
    expect(validateLimits({ ...DEFAULT_RISK_LIMITS })).toEqual({
      ok: true,
      limits: DEFAULT_RISK_LIMITS,
    });
  });

  test('symbols are de-duplicated and sorted', () => {
    const r = validateLimits({
      ...DEFAULT_RISK_LIMITS,
      restrictedSymbols: ['TSLA', 'GME', 'TSLA'],
    });
    expect(r.ok && r.limits.restrictedSymbols).toEqual(['GME', 'TSLA']);
  });

  test('reports every problem at once', () => {
    expect(
      validateLimits({
        maxOrderNotional: 1000,
        maxPositionQty: '-1',
        maxDailyLoss: '1e3',
        maxOrdersPerMinute: 1.5,
        restrictedSymbols: ['ok', 3],
        extra: true,
      }),
    ).toEqual({
      ok: false,
      problems: [
        {
          field: 'maxOrderNotional',
          message: 'must be a non-negative decimal string with at most 18 fractional digits',
        },
        {
          field: 'maxPositionQty',
          message: 'must be a non-negative decimal string with at most 18 fractional digits',
        },
        {
          field: 'maxDailyLoss',
          message: 'must be a non-negative decimal string with at most 18 fractional digits',
        },
        { field: 'maxOrdersPerMinute', message: 'must be a non-negative integer' },
        { field: 'restrictedSymbols', message: 'must be a list of upper-case symbols' },
        { field: 'extra', message: 'is not a limit' },
      ],
    });
  });

  test('every rule has one distinct ALP_RISK_ code', () => {
    const codes = RISK_RULES.map((r) => RISK_RULE_CODES[r]);
    expect(new Set(codes).size).toBe(6);
    expect(codes.every((c) => /^ALP_RISK_[A-Z_]+$/.test(c))).toBe(true);
  });
});
