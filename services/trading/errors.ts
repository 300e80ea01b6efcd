import { defineErrors } from '../platform/index.js';

/** HTTP errors of the trading service (problem+json codes). */
export const tradingErrors = defineErrors({
  ALP_ORDERS_IDEMPOTENCY_KEY_MISSING: {
    status: 400,
    message: 'the Idempotency-Key header is required to place an order',
  },
  ALP_ORDERS_IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    message: 'the Idempotency-Key header must be 1 to 255 printable ASCII characters',
  },
  ALP_ORDERS_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'this Idempotency-Key was already used with a different request body',
  },
  ALP_ORDERS_IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409,
    message: 'a request with this Idempotency-Key is still being processed; retry later',
  },
  ALP_ORDERS_INVALID: { status: 400, message: 'the order is invalid: %s' },
  ALP_ORDERS_NOT_FOUND: { status: 404, message: 'order not found' },
  ALP_ORDERS_NOT_CANCELABLE: { status: 409, message: 'an order in status %s cannot be canceled' },
  ALP_ORDERS_CURSOR_INVALID: { status: 400, message: 'the cursor is not one this service made' },
  ALP_ORDERS_BROKER_UNAVAILABLE: {
    status: 503,
    message: 'the broker did not answer; retry with the same Idempotency-Key',
  },
  ALP_ORDERS_CHECK_UNAVAILABLE: {
    status: 503,
    message:
      'risk or the market price did not answer for a resumed order; retry with the same Idempotency-Key',
  },
});

/**
 * Reasons stored on rejected orders (not HTTP errors: the order exists, status Rejected).
 * Risk's own codes (e.g. ALP_RISK_KILL_SWITCH) and the broker's are stored as they come.
 */
export const REJECT_REASONS = {
  riskUnavailable: 'ALP_ORDERS_RISK_UNAVAILABLE',
  priceUnavailable: 'ALP_ORDERS_PRICE_UNAVAILABLE',
  brokerRefused: 'ALP_ORDERS_BROKER_REFUSED',
} as const;
