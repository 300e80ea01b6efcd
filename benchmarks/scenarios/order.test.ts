import { describe, expect, test } from 'vitest';
import { refusalOf } from '../runner/refusals.js';
import { order, orderRefusal } from './order.js';

// An order as trading answers it (201), trimmed to the fields the check reads and a few more.
const answer = (status: string, reason: string | null) => ({
  id: '0190b1e2-7c1d-7000-8000-000000000001',
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  quantity: '1',
  status,
  reason,
});

describe('order refusal check', () => {
  test('the scenario judges every 2xx order with it', () => {
    expect(order.request.refusal).toBe(orderRefusal);
  });

  test.each([
    ['Filled', null, undefined],
    ['Filled', 'ignored when filled', undefined],
    ['Rejected', 'ALP_ORDERS_RISK_UNAVAILABLE', 'Rejected: ALP_ORDERS_RISK_UNAVAILABLE'],
    ['Rejected', 'ALP_RISK_ORDER_RATE_EXCEEDED', 'Rejected: ALP_RISK_ORDER_RATE_EXCEEDED'],
    ['Expired', null, 'Expired'],
    ['PendingNew', '', 'PendingNew'],
    ['New', null, 'New'],
    ['PartiallyFilled', null, 'PartiallyFilled'],
    ['Canceled', 'canceled by the broker', 'Canceled: canceled by the broker'],
  ])('status %s, reason %j → %j', (status, reason, label) => {
    expect(orderRefusal(answer(status, reason))).toBe(label);
  });

  test.each([
    ['null', null],
    ['a string', 'Filled'],
    ['a number', 201],
    ['an array', [{ status: 'Filled' }]],
    ['an object without status', { id: 'x', reason: null }],
    ['a status that is not a string', { status: 3, reason: 'ALP_X' }],
  ])('a malformed body (%s) is a refusal, not a crash', (_name, body) => {
    expect(orderRefusal(body)).toBe('malformed order body');
  });

  test.each([
    ['a filled order', JSON.stringify(answer('Filled', null)), undefined],
    [
      'a rejected order',
      JSON.stringify(answer('Rejected', 'ALP_ORDERS_RISK_UNAVAILABLE')),
      'Rejected: ALP_ORDERS_RISK_UNAVAILABLE',
    ],
    ['an HTML error page', '<html><body>Bad Gateway</body></html>', 'body is not JSON'],
    ['an empty body', '', 'body is not JSON'],
    ['truncated JSON', '{"status":"Fil', 'body is not JSON'],
    ['JSON null', 'null', 'malformed order body'],
  ])('as the runners see it, body text of %s → %j', (_name, text, label) => {
    expect(refusalOf(orderRefusal, text)).toBe(label);
  });
});
