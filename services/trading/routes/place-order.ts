import type { FastifyPluginAsync } from 'fastify';
import { tradingErrors } from '../errors.js';
import { isValidIdempotencyKey } from '../orders/client-order-id.js';
import type { FlowSettings } from '../orders/flow-settings.js';
import { placeOrder } from '../orders/place-order.js';
import { callContext, userIdOf } from './call-context.js';

/** POST /api/v1/orders (Idempotency-Key required; same key + same body replays). */
export const placeOrderRoute: FastifyPluginAsync<{ settings: FlowSettings }> = async (
  app,
  { settings },
) => {
  app.post('/api/v1/orders', { preValidation: app.authenticate }, async (request, reply) => {
    const raw = request.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (key === undefined || key === '') {
      throw new tradingErrors.ALP_ORDERS_IDEMPOTENCY_KEY_MISSING();
    }
    if (!isValidIdempotencyKey(key)) throw new tradingErrors.ALP_ORDERS_IDEMPOTENCY_KEY_INVALID();
    const result = await placeOrder(app, settings, {
      userId: userIdOf(request),
      idempotencyKey: key,
      body: request.body,
      context: callContext(request),
    });
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(result.status).send(result.body);
  });
};
