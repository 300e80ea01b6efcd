import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseDecimal } from './decimal-parse.js';
import { Dec, divideRounded, formatDecimal } from '../../platform/decimal.js';

describe('parseDecimal', () => {
  test.each([
    ['10', '10'],
    ['10.25', '10.25'],
    ['0.1', '0.1'],
    ['1.50', '1.5'],
    ['0.000000000000000001', '0.000000000000000001'],
    ['99999999999999999999.999999999999999999', '99999999999999999999.999999999999999999'],
  ])('accepts %s as %s', (raw, canonical) => {
    const parsed = parseDecimal('price', raw);
    expect(parsed.ok && formatDecimal(parsed.value)).toBe(canonical);
  });

  test.each([
    [10.25, 'ALP_ORDERS_DECIMAL_NOT_STRING'],
    [null, 'ALP_ORDERS_DECIMAL_NOT_STRING'],
    [undefined, 'ALP_ORDERS_DECIMAL_NOT_STRING'],
    [['1'], 'ALP_ORDERS_DECIMAL_NOT_STRING'],
    ['', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['1e3', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['-1', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['+1', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    [' 1', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['1 ', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['.5', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['5.', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['007', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['NaN', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['Infinity', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['0x10', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['1,5', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['１', 'ALP_ORDERS_DECIMAL_MALFORMED'],
    ['0.0000000000000000001', 'ALP_ORDERS_DECIMAL_SCALE'],
    ['123456789012345678901', 'ALP_ORDERS_DECIMAL_TOO_LARGE'],
    ['0', 'ALP_ORDERS_DECIMAL_NOT_POSITIVE'],
    ['0.000', 'ALP_ORDERS_DECIMAL_NOT_POSITIVE'],
  ])('refuses %j with %s', (raw, code) => {
    expect(parseDecimal('quantity', raw)).toMatchObject({ ok: false, code });
  });

  test('names the field and the JSON type in the reason', () => {
    expect(parseDecimal('limitPrice', 12.5)).toEqual({
      ok: false,
      code: 'ALP_ORDERS_DECIMAL_NOT_STRING',
      reason: 'limitPrice must be a decimal string, got number',
    });
  });

  test('applies a tighter scale and allows zero when asked', () => {
    expect(parseDecimal('amount', '1.001', { maxScale: 2 })).toMatchObject({
      ok: false,
      code: 'ALP_ORDERS_DECIMAL_SCALE',
    });
    // Trailing zeros are not significant digits.
    expect(parseDecimal('amount', '1.1000', { maxScale: 2 }).ok).toBe(true);
    expect(parseDecimal('fee', '0', { positive: false }).ok).toBe(true);
  });

  test('round-trips every valid numeric(38,18) value exactly', () => {
    const digits = (min: number, max: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        digits(0, 19),
        digits(0, 18),
        (lead, rest, frac) => {
          const raw = frac === '' ? `${lead}${rest}` : `${lead}${rest}.${frac}`;
          const parsed = parseDecimal('x', raw);
          expect(parsed.ok).toBe(true);
          if (parsed.ok) expect(parsed.value.eq(new Dec(raw))).toBe(true);
        },
      ),
    );
  });
});

describe('divideRounded', () => {
  test.each([
    ['1', '3', 4, '0.3333'],
    ['2', '3', 4, '0.6667'],
    ['0.5', '1', 0, '0'], // half to even
    ['1.5', '1', 0, '2'],
    ['2.5', '1', 0, '2'],
    ['-2.5', '1', 0, '-2'],
    ['-1', '3', 2, '-0.33'],
    ['300.3', '3', 18, '100.1'],
  ])('%s / %s at scale %i is %s', (a, b, scale, expected) => {
    expect(formatDecimal(divideRounded(new Dec(a), new Dec(b), scale))).toBe(expected);
  });

  test('refuses a zero divisor', () => {
    expect(() => divideRounded(new Dec(1), new Dec(0), 2)).toThrow('division by zero');
  });

  test('is within half a unit of the last place of the true quotient', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        (a, b) => {
          const q = divideRounded(new Dec(a.toString()), new Dec(b.toString()), 6);
          const error = q.times(b.toString()).minus(a.toString()).abs();
          expect(error.lte(new Dec(b.toString()).times('0.0000005'))).toBe(true);
        },
      ),
    );
  });
});
