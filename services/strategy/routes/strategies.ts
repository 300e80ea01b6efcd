import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { uuidv7 } from '../../platform/ids.js';
import { validateStrategy } from '../domain/validate-strategy.js';
import { strategyErrors } from '../errors.js';
import {
  activateStrategy,
  deactivateStrategy,
  findStrategy,
  insertStrategy,
} from '../store/strategies.js';
import { invalidDefinition } from './invalid-definition.js';

const createBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: Type.String({ minLength: 1 }),
    parameters: Type.Unknown(),
  },
  { additionalProperties: false },
);
const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * The caller's strategies: `POST /api/v1/strategies` stores a definition (validated exactly
 * as `/validate` does, stored normalised) as a draft; `GET /api/v1/strategies/:id` reads it;
 * `POST /api/v1/strategies/:id/activate` makes it active and `/deactivate` a draft again (both
 * idempotent). Another user's
 * strategy is 404, whether or not it exists.
 */
export const strategiesRoutes: FastifyPluginAsync = async (app) => {
  const authenticated = { preValidation: app.authenticate };

  app.post<{ Body: Static<typeof createBody> }>(
    '/api/v1/strategies',
    { ...authenticated, schema: { body: createBody } },
    async (request, reply) => {
      const { name, type, parameters } = request.body;
      const result = validateStrategy(type, parameters);
      if (!result.valid) throw invalidDefinition(type, result);
      const strategy = await insertStrategy(app.pg, {
        id: uuidv7(),
        ownerId: request.user!.id,
        name,
        definition: result.normalised,
      });
      return reply.code(201).header('location', `/api/v1/strategies/${strategy.id}`).send(strategy);
    },
  );

  app.get<{ Params: Static<typeof idParams> }>(
    '/api/v1/strategies/:id',
    { ...authenticated, schema: { params: idParams } },
    async (request) => {
      const strategy = await findStrategy(app.pg, request.user!.id, request.params.id);
      if (!strategy) throw new strategyErrors.ALP_STRATEGY_NOT_FOUND();
      return strategy;
    },
  );

  app.post<{ Params: Static<typeof idParams> }>(
    '/api/v1/strategies/:id/activate',
    { ...authenticated, schema: { params: idParams } },
    async (request) => {
      const strategy = await activateStrategy(app.pg, request.user!.id, request.params.id);
      if (!strategy) throw new strategyErrors.ALP_STRATEGY_NOT_FOUND();
      return strategy;
    },
  );

  app.post<{ Params: Static<typeof idParams> }>(
    '/api/v1/strategies/:id/deactivate',
    { ...authenticated, schema: { params: idParams } },
    async (request) => {
      const strategy = await deactivateStrategy(app.pg, request.user!.id, request.params.id);
      if (!strategy) throw new strategyErrors.ALP_STRATEGY_NOT_FOUND();
      return strategy;
    },
  );
};
