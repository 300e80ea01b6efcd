import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { strategyTypesRoute } from './routes/strategy-types.js';
import { validateStrategyRoute } from './routes/validate-strategy.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'strategy',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'GET /api/v1/strategies/types: strategy types (sma-crossover, momentum, dca) with their parameter JSON Schemas',
      'POST /api/v1/strategies/validate: parameter validation listing every problem, normalised parameters',
    ],
    pending: [
      'storing strategy definitions',
      'activation',
      'backtests over simulated candles',
      'live signals placing orders through trading',
      'authentication of its routes',
    ],
  },
  routes: async (app) => {
    await app.register(strategyTypesRoute);
    await app.register(validateStrategyRoute);
  },
};

/** Builds the strategy service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
