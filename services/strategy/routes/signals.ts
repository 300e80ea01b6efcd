import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { strategyErrors } from '../errors.js';
import { listSignals } from '../store/signals.js';
import { findStrategy } from '../store/strategies.js';

const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const query = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
  { additionalProperties: false },
);

/**
 * `GET /api/v1/strategies/:id/signals`: the live signals of the caller's strategy, newest
 * candle first, each with the order placed for it. Another user's strategy is 404.
 */
export const signalsRoute: FastifyPluginAsync = async (app) => {
  app.get<{ Params: Static<typeof idParams>; Querystring: Static<typeof query> }>(
    '/api/v1/strategies/:id/signals',
    { preValidation: app.authenticate, schema: { params: idParams, querystring: query } },
    async (request) => {
      const strategy = await findStrategy(app.pg, request.user!.id, request.params.id);
      if (!strategy) throw new strategyErrors.ALP_STRATEGY_NOT_FOUND();
      const items = await listSignals(app.pg, strategy.id, request.query.limit ?? 100);
      return { items };
    },
  );
};
