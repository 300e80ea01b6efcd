import { dec, formatDecimal } from '../../platform/decimal.js';
import type { OrderRef } from '../domain/order-events.js';
import type { OrderSide, OrderState, OrderStatus, OrderType } from '../domain/order-types.js';

/** One row of `orders` as selected by ORDER_COLUMNS (numerics as Postgres's text). */
export interface OrderRow {
  id: string;
  user_id: string;
  idempotency_key: string;
  client_order_id: string;
  request_hash: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: string;
  limit_price: string | null;
  status: OrderStatus;
  cum_qty: string;
  leaves_qty: string;
  cum_notional: string;
  avg_px: string | null;
  reason: string | null;
  response_status: number | null;
  response_body: unknown;
  /** Exact text of claimed_at (microseconds), for compare-and-set on the claim. */
  claimed_at: string;
  /** claimed_at in epoch milliseconds (-Infinity once a claim was released). */
  claimed_at_ms: number;
  created_at: Date;
  updated_at: Date;
}

export const ORDER_COLUMNS = `id, user_id, idempotency_key, client_order_id, request_hash, symbol,
  side, type, quantity::text, limit_price::text, status, cum_qty::text, leaves_qty::text,
  cum_notional::text, avg_px::text, reason, response_status, response_body,
  claimed_at::text AS claimed_at, (extract(epoch FROM claimed_at) * 1000)::float8 AS claimed_at_ms,
  created_at, updated_at`;

/** An order on the wire: decimals as canonical strings (no trailing zeros). */
export interface OrderView {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly status: OrderStatus;
  readonly cumQty: string;
  readonly leavesQty: string;
  readonly avgPrice: string | null;
  readonly reason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const canon = (v: string) => formatDecimal(dec(v));
const canonOrNull = (v: string | null) => (v === null ? null : canon(v));

export function orderView(row: OrderRow): OrderView {
  return {
    id: row.id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    quantity: canon(row.quantity),
    limitPrice: canonOrNull(row.limit_price),
    status: row.status,
    cumQty: canon(row.cum_qty),
    leavesQty: canon(row.leaves_qty),
    avgPrice: canonOrNull(row.avg_px),
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function orderState(row: OrderRow, execIds: readonly string[]): OrderState {
  return {
    status: row.status,
    quantity: canon(row.quantity),
    cumQty: canon(row.cum_qty),
    leavesQty: canon(row.leaves_qty),
    cumNotional: canon(row.cum_notional),
    avgPx: canonOrNull(row.avg_px),
    execIds,
    reason: row.reason,
  };
}

export function orderRef(row: OrderRow): OrderRef {
  return {
    orderId: row.id,
    userId: row.user_id,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    quantity: canon(row.quantity),
    limitPrice: canonOrNull(row.limit_price),
  };
}
