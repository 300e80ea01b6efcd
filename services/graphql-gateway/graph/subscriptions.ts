import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateLate, callerOf, requireCaller, type Caller } from '../caller.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import { pollChanges } from './poll.js';
import { findOrder, listOrders, type OrderView } from './trading.js';

/**
 * Order updates over WebSocket. The source is a poll of trading on the subscriber's behalf
 * (with the subscriber's token) every POLL_INTERVAL_MS: trading's events go to the bus, which
 * this service does not read, and a poll keeps each user's stream scoped by trading itself.
 */
export const POLL_INTERVAL_MS = 250;
/** How many of the latest orders `myOrders` watches. */
export const WATCHED_ORDERS = 100;

const TERMINAL = new Set(['Filled', 'Canceled', 'Rejected', 'Expired']);

export const subscriptionTypeDefs = /* GraphQL */ `
  type Subscription {
    """
    The order now, then every change of it (polled every 250 ms); completes after a final
    state (Filled, Canceled, Rejected, Expired). An order that is not the caller's is an
    ALP_ORDERS_NOT_FOUND error.
    """
    orderUpdated(id: ID!): Order!
    """
    Each of the caller's latest 100 orders that is placed or changes after the subscription
    arrived (polled every 250 ms; never completes).
    """
    myOrders: Order!
  }
`;

/** What Mercurius gives a subscription resolver: the upgrade request, its headers merged
 * with the connection_init payload's (a token may come either way). */
interface SubscriptionContext {
  readonly request: FastifyRequest;
}

async function subscriber(app: FastifyInstance, ctx: SubscriptionContext): Promise<Caller> {
  const { request } = ctx;
  if (!request.user && request.headers.authorization !== undefined) {
    await authenticateLate(app, request);
  }
  return requireCaller(callerOf(request));
}

/** Version of an order for change detection: what a client can see of it. */
const orderVersion = (o: OrderView) => JSON.stringify(o);

export function subscriptionResolvers(
  app: FastifyInstance,
  upstream: UpstreamClient,
  intervalMs = POLL_INTERVAL_MS,
) {
  return {
    Subscription: {
      orderUpdated: {
        subscribe: async (_root: unknown, args: { id: string }, ctx: SubscriptionContext) => {
          const caller = await subscriber(app, ctx);
          return pollChanges<OrderView>({
            read: async (signal) => {
              const order = await findOrder(upstream, caller, args.id, signal);
              if (!order) {
                throw Object.assign(new Error('order not found'), {
                  extensions: { code: 'ALP_ORDERS_NOT_FOUND', service: 'trading', status: 404 },
                });
              }
              return [order];
            },
            key: (o) => o.id,
            version: orderVersion,
            intervalMs,
            emitFirst: () => true,
            last: (o) => TERMINAL.has(o.status),
          });
        },
        resolve: (order: OrderView) => order,
      },
      myOrders: {
        subscribe: async (_root: unknown, _args: unknown, ctx: SubscriptionContext) => {
          const caller = await subscriber(app, ctx);
          // Orders that changed since the subscription arrived are news even on the first read.
          const since = Date.now();
          return pollChanges<OrderView>({
            read: (signal) => listOrders(upstream, caller, WATCHED_ORDERS, signal),
            key: (o) => o.id,
            version: orderVersion,
            intervalMs,
            emitFirst: (o) => Date.parse(o.updatedAt) >= since,
          });
        },
        resolve: (order: OrderView) => order,
      },
    },
  };
}
