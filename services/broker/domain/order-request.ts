import { dec } from '../../platform/decimal.js';
import { findInstrument, type Instrument } from './instruments.js';
import type { SubmitOrderRequest } from './broker-order.js';

export const BROKER_DOMAIN_ERRORS = {
  ALP_BROKER_UNKNOWN_SYMBOL: 'the symbol is not a listed instrument',
  ALP_BROKER_QUANTITY_OFF_LOT: 'the quantity is not a positive multiple of the lot size',
  ALP_BROKER_PRICE_OFF_TICK: 'the limit price is not a positive multiple of the tick size',
  ALP_BROKER_LIMIT_PRICE_REQUIRED: 'a limit order needs a limit price',
  ALP_BROKER_LIMIT_PRICE_FORBIDDEN: 'a market order takes no limit price',
  ALP_BROKER_CLIENT_ORDER_ID_REUSED: 'the client order id was used for an order with other terms',
  ALP_BROKER_INSUFFICIENT_FUNDS: 'the account cannot pay for the order',
  ALP_BROKER_ORDER_NOT_FOUND: 'no order with that client order id in this account',
} as const;

export type BrokerDomainErrorCode = keyof typeof BROKER_DOMAIN_ERRORS;

export type RequestCheck =
  | { readonly ok: true; readonly instrument: Instrument }
  | { readonly ok: false; readonly code: BrokerDomainErrorCode; readonly reason: string };

/**
 * Checks an order against the instrument list. Values are already decimal strings
 * (the route schema refuses JSON numbers); this checks what the schema cannot know.
 */
export function checkOrderRequest(
  request: SubmitOrderRequest,
  instruments: readonly Instrument[],
): RequestCheck {
  const instrument = findInstrument(instruments, request.symbol);
  if (instrument === undefined) {
    return {
      ok: false,
      code: 'ALP_BROKER_UNKNOWN_SYMBOL',
      reason: `${request.symbol} is not listed`,
    };
  }
  const quantity = dec(request.quantity);
  if (!quantity.gt(0) || !quantity.mod(instrument.lotSize).isZero()) {
    return {
      ok: false,
      code: 'ALP_BROKER_QUANTITY_OFF_LOT',
      reason: `quantity ${request.quantity} is not a positive multiple of ${instrument.lotSize}`,
    };
  }
  if (request.type === 'limit') {
    if (request.limitPrice === undefined) {
      return {
        ok: false,
        code: 'ALP_BROKER_LIMIT_PRICE_REQUIRED',
        reason: 'a limit order needs limitPrice',
      };
    }
    const price = dec(request.limitPrice);
    if (!price.gt(0) || !price.mod(instrument.tickSize).isZero()) {
      return {
        ok: false,
        code: 'ALP_BROKER_PRICE_OFF_TICK',
        reason: `limit price ${request.limitPrice} is not a positive multiple of ${instrument.tickSize}`,
      };
    }
  } else if (request.limitPrice !== undefined) {
    return {
      ok: false,
      code: 'ALP_BROKER_LIMIT_PRICE_FORBIDDEN',
      reason: 'a market order takes no limitPrice',
    };
  }
  return { ok: true, instrument };
}
