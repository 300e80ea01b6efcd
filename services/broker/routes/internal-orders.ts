import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { BrokerAdapter } from '../domain/broker-adapter.js';
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
const cancelBody = Type.Object({ userId: UserId }, { additionalProperties: false });
const getQuery = Type.Object({ userId: UserId });

function refused(code: BrokerDomainErrorCode, reason: string): Error {
  return new brokerErrors[code](reason);
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
