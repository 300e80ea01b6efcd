import type { FastifyPluginAsync } from 'fastify';
import { tradingErrors } from '../errors.js';
import { cancelOrder } from '../orders/cancel-order.js';
import type { FlowSettings } from '../orders/flow-settings.js';
import { findOwnOrder } from '../store/order-queries.js';
import { callContext, userIdOf } from './call-context.js';

/** POST /api/v1/orders/:id/cancel (terminal or not yet acknowledged: 409). */
export const cancelOrderRoute: FastifyPluginAsync<{ settings: FlowSettings }> = async (
  app,
  { settings },
) => {
  app.post<{ Params: { id: string } }>(
    '/api/v1/orders/:id/cancel',
    { preValidation: app.authenticate },
    async (request) => {
      const row = await findOwnOrder(app.pg, userIdOf(request), request.params.id);
      if (!row) throw new tradingErrors.ALP_ORDERS_NOT_FOUND();
      return cancelOrder(app, settings, row, callContext(request));
    },
  );
};
