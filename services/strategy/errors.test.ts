import { expect, test } from 'vitest';
import { strategyErrors } from './errors.js';

test('the strategy error registry is honest: ids equal keys, statuses and messages pinned', () => {
  const table = Object.entries(strategyErrors).map(([key, E]) => {
    const e = new E('a', 'b');
    return { key, code: e.code, status: e.statusCode, message: e.message };
  });
  // @fastify/error appends arguments that have no placeholder, hence "a b" for the first.
  expect(table).toEqual([
    {
      key: 'ALP_STRATEGY_TYPE_UNKNOWN',
      code: 'ALP_STRATEGY_TYPE_UNKNOWN',
      status: 400,
      message: 'unknown strategy type a b',
    },
    {
      key: 'ALP_STRATEGY_PARAMETERS_INVALID',
      code: 'ALP_STRATEGY_PARAMETERS_INVALID',
      status: 400,
      message: 'parameters of a are invalid: b',
    },
    {
      key: 'ALP_STRATEGY_NOT_FOUND',
      code: 'ALP_STRATEGY_NOT_FOUND',
      status: 404,
      message: 'no such strategy a b',
    },
    {
      key: 'ALP_STRATEGY_BACKTEST_INVALID',
      code: 'ALP_STRATEGY_BACKTEST_INVALID',
      status: 400,
      message: 'the backtest request is invalid: a b',
    },
    {
      key: 'ALP_STRATEGY_BACKTEST_NOT_FOUND',
      code: 'ALP_STRATEGY_BACKTEST_NOT_FOUND',
      status: 404,
      message: 'no such backtest a b',
    },
    {
      key: 'ALP_STRATEGY_BACKTEST_SYMBOL_UNKNOWN',
      code: 'ALP_STRATEGY_BACKTEST_SYMBOL_UNKNOWN',
      status: 422,
      message: 'the market has no instrument a b',
    },
    {
      key: 'ALP_STRATEGY_BACKTEST_RANGE_NOT_FINISHED',
      code: 'ALP_STRATEGY_BACKTEST_RANGE_NOT_FINISHED',
      status: 422,
      message: 'the range ends after the last finished candle (a) b',
    },
    {
      key: 'ALP_STRATEGY_BACKTEST_HISTORY_UNAVAILABLE',
      code: 'ALP_STRATEGY_BACKTEST_HISTORY_UNAVAILABLE',
      status: 422,
      message: 'candles before a are not available at this interval b',
    },
    {
      key: 'ALP_STRATEGY_BACKTEST_NO_CANDLES',
      code: 'ALP_STRATEGY_BACKTEST_NO_CANDLES',
      status: 422,
      message: 'no finished candle lies within the range a b',
    },
  ]);
});
