import type { FastifyPluginAsync } from 'fastify';
import { COMPONENT_IDS, components } from '../domain/component-catalog.js';

/** `GET /api/v1/workflows/components`: the component catalog with config schemas and ports. */
export const componentsRoute: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/workflows/components', { preValidation: app.authenticate }, async () => ({
    components: COMPONENT_IDS.map((id) => components[id]),
  }));
};
