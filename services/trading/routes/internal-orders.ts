import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { tradingErrors } from '../errors.js';
import { isValidIdempotencyKey } from '../orders/client-order-id.js';
import type { FlowSettings } from '../orders/flow-settings.js';
import { placeOrder } from '../orders/place-order.js';
import { findOwnOrder } from '../store/order-queries.js';
import { orderView } from '../store/order-row.js';
import { callContext } from './call-context.js';

const USER_ID = /^[\x21-\x7e]{1,128}$/;

/** The Idempotency-Key header of an internal order (required, as on the public route). */
function keyOf(request: FastifyRequest): string {
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key === '') throw new tradingErrors.ALP_ORDERS_IDEMPOTENCY_KEY_MISSING();
  if (!isValidIdempotencyKey(key)) throw new tradingErrors.ALP_ORDERS_IDEMPOTENCY_KEY_INVALID();
  return key;
}

/**
 * `POST /internal/orders` (service token from strategy only): places an order for `userId`
 * exactly as `POST /api/v1/orders` does for a user (same claim per user and key, risk check,
 * broker, audit and outbox), so the order is the user's and a replayed key places nothing.
 * `GET /internal/orders/:id?userId=` reads such an order as its user would: strategy follows
 * the orders it placed to their final state (a market order the broker filled in parts).
 */
export const internalOrdersRoute: FastifyPluginAsync<{ settings: FlowSettings }> = async (
  app,
  { settings },
) => {
  app.post(
    '/internal/orders',
    { preValidation: app.authenticateService(['strategy']) },
    async (request, reply) => {
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new tradingErrors.ALP_ORDERS_INVALID('the body must be a JSON object');
      }
      const { userId, ...order } = body as Record<string, unknown>;
      if (typeof userId !== 'string' || !USER_ID.test(userId)) {
        throw new tradingErrors.ALP_ORDERS_INVALID('userId: must be the user id of the order');
      }
      const key = keyOf(request);
      const result = await placeOrder(app, settings, {
        userId,
        idempotencyKey: key,
        body: order,
        context: callContext(request),
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(result.status).send(result.body);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { userId?: string } }>(
    '/internal/orders/:id',
    { preValidation: app.authenticateService(['strategy']) },
    async (request) => {
      const { userId } = request.query;
      if (typeof userId !== 'string' || !USER_ID.test(userId)) {
        throw new tradingErrors.ALP_ORDERS_INVALID('userId: must be the user id of the order');
      }
      const row = await findOwnOrder(app.pg, userId, request.params.id);
      if (!row) throw new tradingErrors.ALP_ORDERS_NOT_FOUND();
      return orderView(row);
    },
  );
};
