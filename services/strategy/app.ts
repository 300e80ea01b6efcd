import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { backtestsRoutes } from './routes/backtests.js';
import { strategiesRoutes } from './routes/strategies.js';
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
      "POST /api/v1/strategies, GET /api/v1/strategies/:id: the caller's strategies, stored normalised as drafts (authenticated; another user's is 404)",
      'POST /api/v1/strategies/:id/activate: draft to active, idempotent (the status only: nothing trades yet)',
      "POST /api/v1/strategies/:id/backtests: deterministic backtest of the caller's strategy over the broker's finished simulated candles (from/to or the latest limit), exact decimal metrics and the trade list, stored",
      'GET /api/v1/strategies/:id/backtests/:runId: a stored backtest run, byte for byte as computed',
    ],
    pending: [
      'listing, editing and deactivating strategies',
      'listing backtest runs',
      'live signals placing orders through trading (an active strategy does not trade yet)',
    ],
  },
  routes: async (app) => {
    await app.register(strategyTypesRoute);
    await app.register(validateStrategyRoute);
    await app.register(strategiesRoutes);
    await app.register(backtestsRoutes);
  },
};

/** Builds the strategy service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
