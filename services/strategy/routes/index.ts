import type { FastifyPluginAsync } from 'fastify';
import {
  DEFAULT_EVALUATOR_SETTINGS,
  startEvaluator,
  type Evaluator,
  type EvaluatorSettings,
} from '../live/evaluator.js';
import { backtestsRoutes } from './backtests.js';
import { signalsRoute } from './signals.js';
import { strategiesRoutes } from './strategies.js';
import { strategyTypesRoute } from './strategy-types.js';
import { validateStrategyRoute } from './validate-strategy.js';

/** Everything strategy serves, plus the live evaluator of active strategies. */
export function strategyRoutes(
  settings: EvaluatorSettings = DEFAULT_EVALUATOR_SETTINGS,
): FastifyPluginAsync {
  return async (app) => {
    await app.register(strategyTypesRoute);
    await app.register(validateStrategyRoute);
    await app.register(strategiesRoutes);
    await app.register(backtestsRoutes);
    await app.register(signalsRoute);
    let evaluator: Evaluator | undefined;
    app.addHook('onReady', async () => {
      evaluator = startEvaluator(app, settings);
    });
    app.addHook('onClose', async () => {
      await evaluator?.stop();
    });
  };
}
