import type { FastifyPluginAsync } from 'fastify';
import { verifyAuditChain } from '../domain/audit-chain.js';
import { clampLimit, decodeCursor, encodeCursor } from '../domain/pagination.js';
import { tradingErrors } from '../errors.js';
import { readOrderPage } from '../orders/order-pages.js';
import { loadAuditChain } from '../store/audit-store.js';
import { findOwnOrder, type OrderPage } from '../store/order-queries.js';
import { orderView } from '../store/order-row.js';
import { userIdOf } from './call-context.js';

/**
 * A page's answer, encoded once: requests for the same page in one batch share the page
 * object (orders/order-pages.ts), and so the bytes. The items arrive as JSON text from
 * Postgres: spliced in, never parsed and re-encoded.
 */
const bodies = new WeakMap<OrderPage, Buffer>();
function pageBody(page: OrderPage): Buffer {
  let body = bodies.get(page);
  if (!body) {
    const nextCursor = JSON.stringify(page.next ? encodeCursor(page.next) : null);
    body = Buffer.from(
      `{"items":[${page.items}],"limit":${page.limit},"nextCursor":${nextCursor}}`,
    );
    bodies.set(page, body);
  }
  return body;
}

/** GET /api/v1/orders (keyset pages), GET /api/v1/orders/:id, GET /api/v1/orders/:id/audit. */
export const readOrdersRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/api/v1/orders',
    { preValidation: app.authenticate },
    async (request, reply) => {
      const limit = clampLimit(request.query.limit);
      let after;
      if (request.query.cursor !== undefined) {
        after = decodeCursor(request.query.cursor);
        if (!after) throw new tradingErrors.ALP_ORDERS_CURSOR_INVALID();
      }
      const page = await readOrderPage(app, { userId: userIdOf(request), limit, after });
      return reply.type('application/json; charset=utf-8').send(pageBody(page));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/orders/:id',
    { preValidation: app.authenticate },
    async (request) => {
      const row = await findOwnOrder(app.pg, userIdOf(request), request.params.id);
      if (!row) throw new tradingErrors.ALP_ORDERS_NOT_FOUND();
      return orderView(row);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/orders/:id/audit',
    { preValidation: app.authenticate },
    async (request) => {
      const row = await findOwnOrder(app.pg, userIdOf(request), request.params.id);
      if (!row) throw new tradingErrors.ALP_ORDERS_NOT_FOUND();
      const records = await loadAuditChain(app.pg, row.id);
      return {
        orderId: row.id,
        entries: records,
        verification: verifyAuditChain(records),
      };
    },
  );
};
