import type { FastifyPluginAsync } from 'fastify';
import { listPositions } from '../store/position-store.js';
import { userIdOf } from './call-context.js';

/** GET /api/v1/positions: the user's positions from fills (average-cost method). */
export const positionsRoute: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/positions', { preValidation: app.authenticate }, async (request) => ({
    items: await listPositions(app.pg, userIdOf(request)),
  }));
};
