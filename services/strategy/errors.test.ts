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
  ]);
});
