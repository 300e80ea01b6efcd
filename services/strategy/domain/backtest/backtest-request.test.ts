import { describe, expect, test } from 'vitest';
import { validateBacktestRequest } from './backtest-request.js';

const cross = {
  type: 'sma-crossover' as const,
  parameters: { symbol: 'AAPL', timeframe: '5m', fast: 2, slow: 5 },
};
const slow = { ...cross, parameters: { ...cross.parameters, timeframe: '4h' } };
const dca = {
  type: 'dca' as const,
  parameters: { symbol: 'ETH-USD', amount: '10', interval: '1d' },
};

describe('validateBacktestRequest', () => {
  test.each([
    {
      name: 'a range; symbol and interval from the strategy, decimals canonical, times in UTC',
      strategy: cross,
      body: { from: '2026-03-01T00:00:00Z', to: '2026-03-01T01:00:00.000Z', initialCash: '50.50' },
      request: {
        symbol: 'AAPL',
        interval: '5m',
        range: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-01T01:00:00.000Z' },
        initialCash: '50.5',
        feeRate: '0',
      },
    },
    {
      name: 'a limit with an explicit symbol, interval and fee (DCA defaults to 1h otherwise)',
      strategy: dca,
      body: { symbol: 'BTC-USD', interval: '1d', limit: 2, initialCash: '1', feeRate: '0.0010' },
      request: {
        symbol: 'BTC-USD',
        interval: '1d',
        range: { limit: 2 },
        initialCash: '1',
        feeRate: '0.001',
      },
    },
    {
      name: 'DCA without an interval runs on one-hour candles',
      strategy: dca,
      body: { limit: 500, initialCash: '1' },
      request: {
        symbol: 'ETH-USD',
        interval: '1h',
        range: { limit: 500 },
        initialCash: '1',
        feeRate: '0',
      },
    },
  ])('$name', ({ strategy, body, request }) => {
    expect(validateBacktestRequest(strategy, body)).toEqual({ valid: true, request });
  });

  test.each([
    {
      name: 'neither a range nor a limit, no cash',
      strategy: cross,
      body: {},
      problems: [
        { path: '/', message: 'Expected from and to, or limit' },
        { path: '/initialCash', message: 'Expected required property' },
      ],
    },
    {
      name: 'to before from, a limit too large, a timeframe the broker has no candles for',
      strategy: slow,
      body: {
        from: '2026-03-02T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
        initialCash: '0.5',
      },
      problems: [
        {
          path: '/interval',
          message:
            "Expected an interval: the strategy's timeframe 4h has no candles at the broker (one of 1m, 5m, 15m, 1h, 1d)",
        },
        { path: '/to', message: 'Expected to to be later than from' },
      ],
    },
    {
      name: 'a limit out of range, a time that is not UTC, only one end',
      strategy: cross,
      body: { from: '2026-03-01T00:00:00+01:00', initialCash: '1', limit: 501 },
      problems: [
        { path: '/from', message: 'Expected a UTC time such as "2026-03-01T00:00:00Z"' },
        { path: '/limit', message: 'Expected integer to be less or equal to 500' },
      ],
    },
    {
      name: 'a body that is not an object',
      strategy: cross,
      body: [1],
      problems: [{ path: '/', message: 'Expected an object' }],
    },
  ])('$name', ({ strategy, body, problems }) => {
    expect(validateBacktestRequest(strategy, body)).toEqual({ valid: false, problems });
  });
});
