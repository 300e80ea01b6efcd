import { expect, test } from 'vitest';
import { REJECT_REASONS, tradingErrors } from './errors.js';

test('the trading error registry is honest: ids equal keys, statuses and messages pinned', () => {
  const table = Object.entries(tradingErrors).map(([key, E]) => {
    const e = new E('X');
    return [key, e.code, e.statusCode, e.message];
  });
  expect(table).toEqual([
    [
      'ALP_ORDERS_IDEMPOTENCY_KEY_MISSING',
      'ALP_ORDERS_IDEMPOTENCY_KEY_MISSING',
      400,
      'the Idempotency-Key header is required to place an order X',
    ],
    [
      'ALP_ORDERS_IDEMPOTENCY_KEY_INVALID',
      'ALP_ORDERS_IDEMPOTENCY_KEY_INVALID',
      400,
      'the Idempotency-Key header must be 1 to 255 printable ASCII characters X',
    ],
    [
      'ALP_ORDERS_IDEMPOTENCY_KEY_REUSED',
      'ALP_ORDERS_IDEMPOTENCY_KEY_REUSED',
      422,
      'this Idempotency-Key was already used with a different request body X',
    ],
    [
      'ALP_ORDERS_IDEMPOTENCY_KEY_IN_PROGRESS',
      'ALP_ORDERS_IDEMPOTENCY_KEY_IN_PROGRESS',
      409,
      'a request with this Idempotency-Key is still being processed; retry later X',
    ],
    ['ALP_ORDERS_INVALID', 'ALP_ORDERS_INVALID', 400, 'the order is invalid: X'],
    ['ALP_ORDERS_NOT_FOUND', 'ALP_ORDERS_NOT_FOUND', 404, 'order not found X'],
    [
      'ALP_ORDERS_NOT_CANCELABLE',
      'ALP_ORDERS_NOT_CANCELABLE',
      409,
      'an order in status X cannot be canceled',
    ],
    [
      'ALP_ORDERS_CURSOR_INVALID',
      'ALP_ORDERS_CURSOR_INVALID',
      400,
      'the cursor is not one this service made X',
    ],
    [
      'ALP_ORDERS_BROKER_UNAVAILABLE',
      'ALP_ORDERS_BROKER_UNAVAILABLE',
      503,
      'the broker did not answer; retry with the same Idempotency-Key X',
    ],
    [
      'ALP_ORDERS_CHECK_UNAVAILABLE',
      'ALP_ORDERS_CHECK_UNAVAILABLE',
      503,
      'risk or the market price did not answer for a resumed order; retry with the same Idempotency-Key X',
    ],
  ]);
  expect(Object.values(REJECT_REASONS)).toEqual([
    'ALP_ORDERS_RISK_UNAVAILABLE',
    'ALP_ORDERS_PRICE_UNAVAILABLE',
    'ALP_ORDERS_BROKER_REFUSED',
  ]);
});
