/**
 * Error codes the trading domain returns. The service maps them to HTTP statuses and
 * problem+json; the domain only names what went wrong.
 */
export const TRADING_DOMAIN_ERRORS = {
  ALP_ORDERS_DECIMAL_NOT_STRING: 'a decimal value must be a JSON string, e.g. "10.25"',
  ALP_ORDERS_DECIMAL_MALFORMED: 'a decimal value must be plain digits with an optional fraction',
  ALP_ORDERS_DECIMAL_SCALE: 'a decimal value has too many fractional digits',
  ALP_ORDERS_DECIMAL_TOO_LARGE: 'a decimal value has too many integer digits',
  ALP_ORDERS_DECIMAL_NOT_POSITIVE: 'a decimal value must be greater than zero',
  ALP_ORDERS_PRICE_OFF_TICK: 'the price is not a multiple of the instrument tick size',
  ALP_ORDERS_QUANTITY_OFF_LOT: 'the quantity is not a multiple of the instrument lot size',
  ALP_ORDERS_ILLEGAL_TRANSITION: 'the execution report is not legal in the current order state',
  ALP_ORDERS_OVERFILL: 'the fill would exceed the order quantity',
  ALP_ORDERS_BAD_FILL: 'a fill needs a positive quantity and price',
} as const;

export type TradingDomainErrorCode = keyof typeof TRADING_DOMAIN_ERRORS;
