import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Settled } from '../../platform/batcher.js';
import type { BrokerAdapter, SubmitOrderResult } from '../domain/broker-adapter.js';
import type { BrokerDomainErrorCode } from '../domain/order-request.js';
import { brokerErrors } from '../errors.js';
import { orderAnswer } from '../order-answer.js';

const Decimal = Type.String({ pattern: '^(0|[1-9][0-9]{0,19})(\\.[0-9]{1,18})?$', maxLength: 40 });
const UserId = Type.String({ minLength: 1, maxLength: 200 });
const ClientOrderId = Type.String({ minLength: 1, maxLength: 255 });

const orderBody = Type.Object(
  {
    userId: UserId,
    clientOrderId: ClientOrderId,
    symbol: Type.String({ minLength: 1, maxLength: 20 }),
    side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
    type: Type.Union([Type.Literal('market'), Type.Literal('limit')]),
    quantity: Decimal,
    limitPrice: Type.Optional(Decimal),
  },
  { additionalProperties: false },
);
const orderParams = Type.Object({ clientOrderId: ClientOrderId });

/** Most orders one batch may carry. */
export const MAX_ORDERS_PER_BATCH = 256;

const batchBody = Type.Object(
  {
    orders: Type.Array(
      Type.Object(
        {
          ...orderBody.properties,
          // The request id of the client request behind this order, for the log.
          requestId: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_ORDERS_PER_BATCH },
    ),
  },
  { additionalProperties: false },
);

/** One order's result in a batch: the answer the single route gives, or its problem. */
type BatchResult =
  | { readonly status: 200; readonly order: ReturnType<typeof orderAnswer> }
  | { readonly status: number; readonly code: string; readonly detail: string };
const cancelBody = Type.Object({ userId: UserId }, { additionalProperties: false });
const getQuery = Type.Object({ userId: UserId });

function refused(code: BrokerDomainErrorCode, reason: string): Error {
  return new brokerErrors[code](reason);
}

function batchResult(outcome: Settled<SubmitOrderResult>): BatchResult {
  if (!outcome.ok) {
    return { status: 500, code: 'ALP_PLATFORM_INTERNAL', detail: 'internal error' };
  }
  const r = outcome.value;
  if (r.outcome === 'rejected') {
    const err = refused(r.code, r.reason) as Error & { statusCode: number };
    return { status: err.statusCode, code: r.code, detail: err.message };
  }
  return { status: 200, order: orderAnswer(r.order, r.fills) };
}

/**
 * The broker's order API for trading (service tokens from trading only), over the
 * BrokerAdapter. Orders are keyed by (userId, clientOrderId): client order ids are trading's
 * idempotency keys, scoped per user, so cancel and read name the user too. Fills found
 * while catching an order up go to the outbox; the broker nudges the relay after exactly
 * those transactions (a new order answers with its fills and writes no event).
 */
export const internalOrderRoutes: FastifyPluginAsync<{ broker: BrokerAdapter }> = async (
  app,
  { broker },
) => {
  const onlyTrading = app.authenticateService(['trading']);

  app.post<{ Body: Static<typeof orderBody> }>(
    '/internal/broker/orders',
    { schema: { body: orderBody }, preValidation: onlyTrading },
    async (request) => {
      const { userId, ...terms } = request.body;
      const result = await broker.submitOrder({ ...terms, accountId: userId });
      if (result.outcome === 'rejected') throw refused(result.code, result.reason);
      return orderAnswer(result.order, result.fills);
    },
  );

  // Several orders at once (what trading sent together): {orders:[...]} -> {results:[...]},
  // in the same order, each the answer or the problem the single route would give.
  app.post<{ Body: Static<typeof batchBody> }>(
    '/internal/broker/order-batches',
    { schema: { body: batchBody }, preValidation: onlyTrading },
    async (request) => {
      const requests = request.body.orders.map(({ userId, requestId: _, ...terms }) => ({
        ...terms,
        accountId: userId,
      }));
      const outcomes = await broker.submitOrders(requests);
      const failed = outcomes.find((o) => !o.ok);
      if (failed) request.log.error({ err: (failed as { error: unknown }).error }, 'order failed');
      request.log.info(
        { orders: requests.length, requestIds: request.body.orders.map((o) => o.requestId) },
        'order batch submitted',
      );
      return { results: outcomes.map(batchResult) };
    },
  );

  app.post<{ Params: Static<typeof orderParams>; Body: Static<typeof cancelBody> }>(
    '/internal/broker/orders/:clientOrderId/cancel',
    { schema: { params: orderParams, body: cancelBody }, preValidation: onlyTrading },
    async (request) => {
      const result = await broker.cancelOrder(request.body.userId, request.params.clientOrderId);
      if (result.outcome === 'rejected') throw refused(result.code, result.reason);
      return orderAnswer(result.order, result.fills);
    },
  );

  app.get<{ Params: Static<typeof orderParams>; Querystring: Static<typeof getQuery> }>(
    '/internal/broker/orders/:clientOrderId',
    { schema: { params: orderParams, querystring: getQuery }, preValidation: onlyTrading },
    async (request) => {
      const { clientOrderId } = request.params;
      const found = await broker.getOrder(request.query.userId, clientOrderId);
      if (!found)
        throw refused('ALP_BROKER_ORDER_NOT_FOUND', `no order ${clientOrderId} for this user`);
      return orderAnswer(found.order, found.fills);
    },
  );
};
