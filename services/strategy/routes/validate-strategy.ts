import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { STRATEGY_TYPE_IDS } from '../domain/strategy-types.js';
import { validateStrategy } from '../domain/validate-strategy.js';
import { strategyErrors } from '../errors.js';

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
    { schema: { body } },
    async (request) => {
      const { type, parameters } = request.body;
      const result = validateStrategy(type, parameters);
      if (result.valid) return { valid: true, normalised: result.normalised };
      if ('unknownType' in result) {
        throw withExtras(new strategyErrors.ALP_STRATEGY_TYPE_UNKNOWN(JSON.stringify(type)), {
          knownTypes: STRATEGY_TYPE_IDS,
        });
      }
      const summary = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      throw withExtras(new strategyErrors.ALP_STRATEGY_PARAMETERS_INVALID(type, summary), {
        problems: result.problems,
      });
    },
  );
};
