import { expect, test } from 'vitest';
import { BROKER_DOMAIN_ERRORS } from './domain/order-request.js';
import { accountsErrors, brokerErrors, marketErrors } from './errors.js';

const table = (registry: Record<string, new (reason: string) => Error>) =>
  Object.entries(registry).map(([key, E]) => {
    const e = new E('x') as Error & { code: string; statusCode: number };
    return [key, e.code, e.statusCode, e.message];
  });

test('the broker registries are honest: ids equal keys, statuses and messages pinned', () => {
  expect(table(brokerErrors)).toEqual([
    ['ALP_BROKER_UNKNOWN_SYMBOL', 'ALP_BROKER_UNKNOWN_SYMBOL', 422, 'unknown symbol: x'],
    ['ALP_BROKER_QUANTITY_OFF_LOT', 'ALP_BROKER_QUANTITY_OFF_LOT', 422, 'quantity refused: x'],
    ['ALP_BROKER_PRICE_OFF_TICK', 'ALP_BROKER_PRICE_OFF_TICK', 422, 'limit price refused: x'],
    [
      'ALP_BROKER_LIMIT_PRICE_REQUIRED',
      'ALP_BROKER_LIMIT_PRICE_REQUIRED',
      422,
      'limit price missing: x',
    ],
    [
      'ALP_BROKER_LIMIT_PRICE_FORBIDDEN',
      'ALP_BROKER_LIMIT_PRICE_FORBIDDEN',
      422,
      'limit price not allowed: x',
    ],
    [
      'ALP_BROKER_CLIENT_ORDER_ID_REUSED',
      'ALP_BROKER_CLIENT_ORDER_ID_REUSED',
      409,
      'client order id reused: x',
    ],
    [
      'ALP_BROKER_INSUFFICIENT_FUNDS',
      'ALP_BROKER_INSUFFICIENT_FUNDS',
      422,
      'insufficient funds: x',
    ],
    ['ALP_BROKER_ORDER_NOT_FOUND', 'ALP_BROKER_ORDER_NOT_FOUND', 404, 'order not found: x'],
  ]);
  expect(table(marketErrors)).toEqual([
    ['ALP_MARKET_UNKNOWN_SYMBOL', 'ALP_MARKET_UNKNOWN_SYMBOL', 400, 'unknown symbol: x'],
    [
      'ALP_MARKET_INTERVAL_INVALID',
      'ALP_MARKET_INTERVAL_INVALID',
      400,
      'candle interval refused: x',
    ],
  ]);
  expect(table(accountsErrors)).toEqual([
    ['ALP_ACCOUNTS_INVALID_AMOUNT', 'ALP_ACCOUNTS_INVALID_AMOUNT', 400, 'amount refused: x'],
    [
      'ALP_ACCOUNTS_CURRENCY_UNSUPPORTED',
      'ALP_ACCOUNTS_CURRENCY_UNSUPPORTED',
      400,
      'currency refused: x',
    ],
  ]);
});

test('every domain refusal code has an HTTP error', () => {
  expect(Object.keys(BROKER_DOMAIN_ERRORS).filter((c) => !(c in brokerErrors))).toEqual([]);
});
