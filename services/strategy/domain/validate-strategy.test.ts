import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { validateStrategy } from './validate-strategy.js';

const DECIMAL_MESSAGE =
  'Expected a decimal string such as "12.5" (plain digits, at most 8 fractional digits)';
const SYMBOL_MESSAGE = 'Expected an upper-case symbol of 1-20 characters (A-Z, 0-9, ".", "-")';

describe('validateStrategy: valid definitions come back normalised', () => {
  test.each([
    {
      type: 'sma-crossover',
      parameters: { symbol: 'AAPL', fast: 10, slow: 30 },
      normalised: { symbol: 'AAPL', timeframe: '1d', fast: 10, slow: 30 },
    },
    {
      type: 'sma-crossover',
      parameters: { slow: 500, fast: 499, timeframe: '5m', symbol: 'BRK.B', maxPosition: '10.00' },
      normalised: { symbol: 'BRK.B', maxPosition: '10', timeframe: '5m', fast: 499, slow: 500 },
    },
    {
      type: 'momentum',
      parameters: { symbol: 'BTC-USD', lookback: 20, threshold: '0.020', maxPosition: '5.50' },
      normalised: {
        symbol: 'BTC-USD',
        maxPosition: '5.5',
        timeframe: '1d',
        lookback: 20,
        threshold: '0.02',
      },
    },
    {
      type: 'momentum',
      parameters: { symbol: 'X', lookback: 1, threshold: '0.99999999', timeframe: '1m' },
      normalised: { symbol: 'X', timeframe: '1m', lookback: 1, threshold: '0.99999999' },
    },
    {
      type: 'dca',
      parameters: { symbol: 'ETH-USD', amount: '100.00', interval: '1w' },
      normalised: { symbol: 'ETH-USD', amount: '100', interval: '1w' },
    },
    {
      type: 'dca',
      parameters: { symbol: 'ETH-USD', amount: '0.00000001', interval: '1h' },
      normalised: { symbol: 'ETH-USD', amount: '0.00000001', interval: '1h' },
    },
  ])('$type $parameters', ({ type, parameters, normalised }) => {
    expect(validateStrategy(type, parameters)).toEqual({
      valid: true,
      normalised: { type, parameters: normalised },
    });
  });

  test('the caller’s object is not changed by filling defaults', () => {
    const parameters = { symbol: 'AAPL', fast: 1, slow: 2 };
    validateStrategy('sma-crossover', parameters);
    expect(parameters).toEqual({ symbol: 'AAPL', fast: 1, slow: 2 });
  });
});

describe('validateStrategy: every problem is listed, sorted by path', () => {
  test.each([
    {
      name: 'fast not below slow, bad symbol, unknown key, bad timeframe, zero cap',
      type: 'sma-crossover',
      parameters: {
        symbol: 'aapl',
        fast: 30,
        slow: 10,
        extra: 1,
        timeframe: '2h',
        maxPosition: '0',
      },
      problems: [
        { path: '/extra', message: 'Unexpected property' },
        { path: '/fast', message: 'Expected fast (30) to be less than slow (10)' },
        { path: '/maxPosition', message: 'Expected greater than 0, got "0"' },
        { path: '/symbol', message: SYMBOL_MESSAGE },
        { path: '/timeframe', message: 'Expected one of "1m", "5m", "15m", "1h", "4h", "1d"' },
      ],
    },
    {
      name: 'fast equal to slow',
      type: 'sma-crossover',
      parameters: { symbol: 'AAPL', fast: 20, slow: 20 },
      problems: [{ path: '/fast', message: 'Expected fast (20) to be less than slow (20)' }],
    },
    {
      name: 'non-integer periods and a missing symbol',
      type: 'sma-crossover',
      parameters: { fast: 10.5, slow: '30' },
      problems: [
        { path: '/fast', message: 'Expected integer' },
        { path: '/slow', message: 'Expected integer' },
        { path: '/symbol', message: 'Expected required property' },
      ],
    },
    {
      name: 'periods out of range (no cross-field noise on top)',
      type: 'sma-crossover',
      parameters: { symbol: 'AAPL', fast: 0, slow: 501 },
      problems: [
        { path: '/fast', message: 'Expected integer to be greater or equal to 1' },
        { path: '/slow', message: 'Expected integer to be less or equal to 500' },
      ],
    },
    {
      name: 'threshold as a JSON number (floats are refused) and lookback 0',
      type: 'momentum',
      parameters: { symbol: 'BTC-USD', lookback: 0, threshold: 0.02 },
      problems: [
        { path: '/lookback', message: 'Expected integer to be greater or equal to 1' },
        { path: '/threshold', message: DECIMAL_MESSAGE },
      ],
    },
    {
      name: 'threshold of 1 (a 100 % move) is out of range',
      type: 'momentum',
      parameters: { symbol: 'BTC-USD', lookback: 1, threshold: '1' },
      problems: [
        { path: '/threshold', message: 'Expected greater than 0 and less than 1, got "1"' },
      ],
    },
    {
      name: 'threshold with 9 fractional digits',
      type: 'momentum',
      parameters: { symbol: 'BTC-USD', lookback: 5, threshold: '0.000000001' },
      problems: [{ path: '/threshold', message: DECIMAL_MESSAGE }],
    },
    {
      name: 'exponent amount and an unknown interval',
      type: 'dca',
      parameters: { symbol: 'ETH-USD', amount: '1e3', interval: 'daily' },
      problems: [
        { path: '/amount', message: DECIMAL_MESSAGE },
        { path: '/interval', message: 'Expected one of "1m", "1h", "1d", "1w"' },
      ],
    },
    {
      name: 'zero amount',
      type: 'dca',
      parameters: { symbol: 'ETH-USD', amount: '0', interval: '1d' },
      problems: [{ path: '/amount', message: 'Expected greater than 0, got "0"' }],
    },
    {
      name: 'negative amount and nothing else',
      type: 'dca',
      parameters: { amount: '-5' },
      problems: [
        { path: '/amount', message: DECIMAL_MESSAGE },
        { path: '/interval', message: 'Expected required property' },
        { path: '/symbol', message: 'Expected required property' },
      ],
    },
    {
      name: 'parameters that are not an object',
      type: 'dca',
      parameters: ['ETH-USD'],
      problems: [{ path: '/', message: 'Expected an object' }],
    },
  ])('$name', ({ type, parameters, problems }) => {
    expect(validateStrategy(type, parameters)).toEqual({ valid: false, problems });
  });

  test('an unknown type is reported as such', () => {
    expect(validateStrategy('martingale', {})).toEqual({ valid: false, unknownType: 'martingale' });
  });
});

describe('validateStrategy: properties', () => {
  const period = fc.integer({ min: 1, max: 500 });

  test('sma-crossover is valid exactly when 1 <= fast < slow <= 500', () => {
    fc.assert(
      fc.property(period, period, (fast, slow) => {
        const result = validateStrategy('sma-crossover', { symbol: 'AAPL', fast, slow });
        if (fast < slow && slow >= 2) {
          expect(result).toMatchObject({ valid: true });
        } else {
          expect(result).toMatchObject({ valid: false });
        }
      }),
    );
  });

  test('normalising is idempotent: a normalised definition validates to itself', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 1, max: 99_999_999 }))
      .map(([i, f]) => `${i}.${String(f).padStart(8, '0')}`);
    fc.assert(
      fc.property(decimal, fc.constantFrom('1m', '1h', '1d', '1w'), (amount, interval) => {
        const first = validateStrategy('dca', { symbol: 'ETH-USD', amount, interval });
        if (!first.valid) throw new Error(`expected ${amount} to be valid`);
        const again = validateStrategy('dca', first.normalised.parameters);
        expect(again).toEqual(first);
      }),
    );
  });
});
