import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { strategyRoutes } from './routes/index.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'strategy',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'GET /api/v1/strategies/types: strategy types (sma-crossover, momentum, dca) with their parameter JSON Schemas',
      'POST /api/v1/strategies/validate: parameter validation listing every problem, normalised parameters',
      "POST /api/v1/strategies, GET /api/v1/strategies/:id: the caller's strategies, stored normalised as drafts (authenticated; another user's is 404)",
      'POST /api/v1/strategies/:id/activate and /deactivate: draft to active and back, idempotent',
      "live signals: every finished candle of an active strategy's symbol and timeframe (DCA: its interval) is evaluated with the backtest's rule; a buy or sell places a market order for the owner through trading's POST /internal/orders with the key strategy:<id>:<candle open time> (one evaluating instance per strategy: FOR UPDATE SKIP LOCKED); each pass reads open orders back until they are final, so a signal shows what its order filled",
      "GET /api/v1/strategies/:id/signals: the caller's strategy's signals with their orders (another user's is 404)",
      "POST /api/v1/strategies/:id/backtests: deterministic backtest of the caller's strategy over the broker's finished simulated candles (from/to or the latest limit), exact decimal metrics and the trade list, stored",
      'GET /api/v1/strategies/:id/backtests/:runId: a stored backtest run, byte for byte as computed',
    ],
    pending: ['listing and editing strategies', 'listing backtest runs'],
  },
  routes: strategyRoutes(),
};

/** Builds the strategy service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
