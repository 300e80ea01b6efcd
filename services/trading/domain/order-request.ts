import type { Decimal } from 'decimal.js';
import { parseDecimal } from './decimal-parse.js';
import type { TradingDomainErrorCode } from './errors.js';
import type { OrderSide, OrderType } from './order-types.js';
import { checkPriceTick, checkQuantityLot, type Increments } from './tick-lot.js';

/** POST /api/v1/orders, validated. */
export interface OrderRequest {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: Decimal;
  readonly limitPrice: Decimal | null;
}

export interface OrderRequestProblem {
  readonly field: string;
  readonly code: TradingDomainErrorCode | 'ALP_ORDERS_FIELD_INVALID';
  readonly reason: string;
}

export type OrderRequestParse =
  | { readonly ok: true; readonly order: OrderRequest }
  | { readonly ok: false; readonly problems: readonly OrderRequestProblem[] };

const FIELDS = new Set(['symbol', 'side', 'type', 'quantity', 'limitPrice']);
const SYMBOL = /^[A-Z0-9][A-Z0-9.-]{0,19}$/;

/**
 * Validates an order body and reports every problem at once. Quantities and prices must
 * be decimal strings (a JSON number is refused). With the instrument's increments the
 * tick and lot are checked too; trading gets them from the broker's instrument list.
 */
export function parseOrderRequest(body: unknown, increments?: Increments): OrderRequestParse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      problems: [
        { field: '', code: 'ALP_ORDERS_FIELD_INVALID', reason: 'the body must be a JSON object' },
      ],
    };
  }
  const input = body as Record<string, unknown>;
  const problems: OrderRequestProblem[] = [];
  const invalid = (field: string, reason: string) =>
    problems.push({ field, code: 'ALP_ORDERS_FIELD_INVALID', reason });
  for (const key of Object.keys(input))
    if (!FIELDS.has(key)) invalid(key, `${key} is not an order field`);

  const symbol = input['symbol'];
  if (typeof symbol !== 'string' || !SYMBOL.test(symbol))
    invalid('symbol', 'symbol must be an upper-case instrument symbol');
  const side = input['side'];
  if (side !== 'buy' && side !== 'sell') invalid('side', 'side must be "buy" or "sell"');
  const type = input['type'];
  if (type !== 'market' && type !== 'limit') invalid('type', 'type must be "market" or "limit"');

  const quantity = parseDecimal('quantity', input['quantity']);
  if (!quantity.ok)
    problems.push({ field: 'quantity', code: quantity.code, reason: quantity.reason });
  else if (increments !== undefined) {
    const lot = checkQuantityLot(quantity.value, increments);
    if (!lot.ok) problems.push({ field: 'quantity', code: lot.code, reason: lot.reason });
  }

  let limitPrice: Decimal | null = null;
  if (type === 'limit') {
    const price = parseDecimal('limitPrice', input['limitPrice']);
    if (!price.ok) problems.push({ field: 'limitPrice', code: price.code, reason: price.reason });
    else {
      limitPrice = price.value;
      const tick =
        increments === undefined ? { ok: true as const } : checkPriceTick(price.value, increments);
      if (!tick.ok) problems.push({ field: 'limitPrice', code: tick.code, reason: tick.reason });
    }
  } else if (type === 'market' && input['limitPrice'] !== undefined) {
    invalid('limitPrice', 'a market order takes no limitPrice');
  }

  if (problems.length > 0 || !quantity.ok) return { ok: false, problems };
  return {
    ok: true,
    order: {
      symbol: symbol as string,
      side: side as OrderSide,
      type: type as OrderType,
      quantity: quantity.value,
      limitPrice,
    },
  };
}
