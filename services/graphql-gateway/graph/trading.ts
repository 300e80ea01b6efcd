import { requireCaller, type Caller } from '../caller.js';
import { graphFailure } from '../errors.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { GraphContext } from './context.js';

/** Orders per `orders` field: trading's own page bounds. */
export const MAX_ORDERS = 100;
export const DEFAULT_ORDERS = 50;
/** The Idempotency-Key trading accepts: 1 to 255 printable ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Orders and positions from trading, always the caller's own (trading scopes by token). */
export const tradingTypeDefs = /* GraphQL */ `
  extend type Query {
    "The caller's latest orders, newest first (1 to 100)."
    orders(limit: Int = 50): [Order!]!
    "One of the caller's orders; null when there is none with this id (another user's included)."
    order(id: ID!): Order
    "The caller's positions from fills."
    positions: [Position!]!
  }

  type Mutation {
    "Places an order; the same idempotencyKey with the same input returns the same order."
    placeOrder(input: PlaceOrderInput!, idempotencyKey: String!): PlaceOrderPayload!
    "Cancels a resting order of the caller's."
    cancelOrder(id: ID!): Order!
  }

  enum OrderSide {
    buy
    sell
  }

  enum OrderType {
    market
    limit
  }

  enum OrderStatus {
    PendingNew
    New
    PartiallyFilled
    Filled
    PendingCancel
    Canceled
    Rejected
    Expired
  }

  input PlaceOrderInput {
    symbol: String!
    side: OrderSide!
    type: OrderType!
    quantity: Decimal!
    "Required for limit orders, refused for market orders."
    limitPrice: Decimal
  }

  type PlaceOrderPayload {
    order: Order!
    "True when trading answered from an earlier request with the same key."
    replayed: Boolean!
  }

  type Order {
    id: ID!
    clientOrderId: String!
    symbol: String!
    side: OrderSide!
    type: OrderType!
    quantity: Decimal!
    limitPrice: Decimal
    status: OrderStatus!
    cumQty: Decimal!
    leavesQty: Decimal!
    avgPrice: Decimal
    reason: String
    createdAt: String!
    updatedAt: String!
  }

  type Position {
    symbol: String!
    quantity: Decimal!
    costBasis: Decimal!
    avgCost: Decimal
    realizedPnl: Decimal!
    updatedAt: String!
  }
`;

/** An order as trading answers it (decimals as canonical strings). */
export interface OrderView {
  readonly id: string;
  readonly status: string;
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}

export interface PlaceOrderInput {
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly quantity: string;
  readonly limitPrice?: string | null;
}

/** The orders trading lists for the caller (its first page of `limit`). */
export async function listOrders(
  upstream: UpstreamClient,
  caller: Caller,
  limit: number,
  signal?: AbortSignal,
): Promise<OrderView[]> {
  const res = await upstream.call<{ items: OrderView[] }>('trading', {
    path: `/api/v1/orders?limit=${limit}`,
    caller,
    ...(signal && { signal }),
  });
  return res.body.items;
}

/** One of the caller's orders, or null when trading knows none with this id for the caller. */
export async function findOrder(
  upstream: UpstreamClient,
  caller: Caller,
  id: string,
  signal?: AbortSignal,
): Promise<OrderView | null> {
  try {
    const res = await upstream.call<OrderView>('trading', {
      path: `/api/v1/orders/${encodeURIComponent(id)}`,
      caller,
      ...(signal && { signal }),
    });
    return res.body;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ALP_ORDERS_NOT_FOUND') return null;
    throw err;
  }
}

export function tradingResolvers(upstream: UpstreamClient) {
  return {
    Query: {
      orders: async (_root: unknown, args: { limit: number }, ctx: GraphContext) => {
        const caller = requireCaller(ctx.caller);
        if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > MAX_ORDERS) {
          throw graphFailure('ALP_GRAPHQL_ARGUMENT_INVALID', [
            'limit',
            `must be from 1 to ${MAX_ORDERS}`,
          ]);
        }
        return listOrders(upstream, caller, args.limit);
      },
      order: (_root: unknown, args: { id: string }, ctx: GraphContext) =>
        findOrder(upstream, requireCaller(ctx.caller), args.id),
      positions: async (_root: unknown, _args: unknown, ctx: GraphContext) =>
        (
          await upstream.call<{ items: unknown[] }>('trading', {
            path: '/api/v1/positions',
            caller: requireCaller(ctx.caller),
          })
        ).body.items,
    },
    Mutation: {
      placeOrder: async (
        _root: unknown,
        args: { input: PlaceOrderInput; idempotencyKey: string },
        ctx: GraphContext,
      ) => {
        const caller = requireCaller(ctx.caller);
        if (!IDEMPOTENCY_KEY.test(args.idempotencyKey)) {
          throw graphFailure('ALP_GRAPHQL_ARGUMENT_INVALID', [
            'idempotencyKey',
            'must be 1 to 255 printable ASCII characters',
          ]);
        }
        const { symbol, side, type, quantity, limitPrice } = args.input;
        // Exactly the body a REST client sends: the same key and input replay the same order.
        const body: Record<string, unknown> = { symbol, side, type, quantity };
        if (limitPrice !== undefined && limitPrice !== null) body.limitPrice = limitPrice;
        const res = await upstream.call<OrderView>('trading', {
          method: 'POST',
          path: '/api/v1/orders',
          body,
          headers: { 'idempotency-key': args.idempotencyKey },
          caller,
        });
        return { order: res.body, replayed: res.headers['idempotent-replayed'] === 'true' };
      },
      cancelOrder: async (_root: unknown, args: { id: string }, ctx: GraphContext) =>
        (
          await upstream.call<OrderView>('trading', {
            method: 'POST',
            path: `/api/v1/orders/${encodeURIComponent(args.id)}/cancel`,
            caller: requireCaller(ctx.caller),
          })
        ).body,
    },
  };
}
