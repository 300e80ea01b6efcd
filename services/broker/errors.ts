import { defineErrors } from '../platform/index.js';

/**
 * The broker service's error registries, one per area (codes are part of the public API).
 * Messages take the specific reason; the domain's BROKER_DOMAIN_ERRORS names the same
 * ALP_BROKER_* codes.
 */
export const brokerErrors = defineErrors({
  ALP_BROKER_UNKNOWN_SYMBOL: { status: 422, message: 'unknown symbol: %s' },
  ALP_BROKER_QUANTITY_OFF_LOT: { status: 422, message: 'quantity refused: %s' },
  ALP_BROKER_PRICE_OFF_TICK: { status: 422, message: 'limit price refused: %s' },
  ALP_BROKER_LIMIT_PRICE_REQUIRED: { status: 422, message: 'limit price missing: %s' },
  ALP_BROKER_LIMIT_PRICE_FORBIDDEN: { status: 422, message: 'limit price not allowed: %s' },
  ALP_BROKER_CLIENT_ORDER_ID_REUSED: { status: 409, message: 'client order id reused: %s' },
  ALP_BROKER_INSUFFICIENT_FUNDS: { status: 422, message: 'insufficient funds: %s' },
  ALP_BROKER_ORDER_NOT_FOUND: { status: 404, message: 'order not found: %s' },
});

export const marketErrors = defineErrors({
  ALP_MARKET_UNKNOWN_SYMBOL: { status: 400, message: 'unknown symbol: %s' },
  ALP_MARKET_INTERVAL_INVALID: { status: 400, message: 'candle interval refused: %s' },
});

export const accountsErrors = defineErrors({
  ALP_ACCOUNTS_INVALID_AMOUNT: { status: 400, message: 'amount refused: %s' },
  ALP_ACCOUNTS_CURRENCY_UNSUPPORTED: { status: 400, message: 'currency refused: %s' },
});
