import type { FastifyPluginAsync } from 'fastify';
import { STRATEGY_TYPE_IDS, strategyTypes } from '../domain/strategy-types.js';

/** `GET /api/v1/strategies/types`: every strategy type with its parameters' JSON Schema. */
export const strategyTypesRoute: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/strategies/types', { preValidation: app.authenticate }, async () => ({
    types: STRATEGY_TYPE_IDS.map((id) => {
      const t = strategyTypes[id];
      return { id, title: t.title, description: t.description, parameters: t.parameters };
    }),
  }));
};
