import { expect, test } from 'vitest';
import { riskErrors } from './errors.js';

test('the risk error registry is honest: ids equal keys, statuses and messages pinned', () => {
  const table = Object.entries(riskErrors).map(([key, E]) => {
    const e = new E('x');
    return { key, code: e.code, status: e.statusCode, message: e.message };
  });
  expect(table).toEqual([
    {
      key: 'ALP_RISK_LIMITS_INVALID',
      code: 'ALP_RISK_LIMITS_INVALID',
      status: 400,
      message: 'the limits are invalid: x',
    },
  ]);
});
