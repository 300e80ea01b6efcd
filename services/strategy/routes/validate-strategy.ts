import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { validateStrategy } from '../domain/validate-strategy.js';
import { invalidDefinition } from './invalid-definition.js';

// Only the envelope is checked here; the parameters are checked by the domain so that
// every problem is listed with a precise message, not only Ajv's first.
const body = Type.Object(
  { type: Type.String({ minLength: 1 }), parameters: Type.Unknown() },
  { additionalProperties: false },
);

/** `POST /api/v1/strategies/validate`: checks a definition and returns it normalised. */
export const validateStrategyRoute: FastifyPluginAsync = async (app) => {
  app.post<{ Body: { type: string; parameters: unknown } }>(
    '/api/v1/strategies/validate',
    { preValidation: app.authenticate, schema: { body } },
    async (request) => {
      const { type, parameters } = request.body;
      const result = validateStrategy(type, parameters);
      if (result.valid) return { valid: true, normalised: result.normalised };
      throw invalidDefinition(type, result);
    },
  );
};
