import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { uuidv7 } from '../../platform/ids.js';
import { withExtras, type CallContext } from '../../platform/index.js';
import {
  BACKTEST_INTERVALS,
  validateBacktestRequest,
} from '../domain/backtest/backtest-request.js';
import { candleWindow } from '../domain/backtest/candle-window.js';
import { runBacktest } from '../domain/backtest/run-backtest.js';
import type { StrategyDefinition } from '../domain/validate-strategy.js';
import { strategyErrors } from '../errors.js';
import { findBacktestRun, insertBacktestRun } from '../store/backtest-runs.js';
import { findStrategy } from '../store/strategies.js';
import { cashScaleOf, instrumentTerms, servedCandles } from '../upstreams/market-data.js';

const strategyParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const runParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  runId: Type.String({ format: 'uuid' }),
});
// Only "an object" here: the domain checks the fields and lists every problem at once.
const body = Type.Record(Type.String(), Type.Unknown());

function callContext(request: FastifyRequest): CallContext {
  return { id: String(request.id), trace: request.trace };
}

/**
 * Backtests of the caller's strategies: `POST /api/v1/strategies/:id/backtests` replays the
 * stored strategy over the broker's finished simulated candles and stores the run;
 * `GET /api/v1/strategies/:id/backtests/:runId` reads it back. Another user's strategy or
 * run is 404.
 */
export const backtestsRoutes: FastifyPluginAsync = async (app) => {
  const authenticated = { preValidation: app.authenticate };

  app.post<{ Params: Static<typeof strategyParams>; Body: Static<typeof body> }>(
    '/api/v1/strategies/:id/backtests',
    { ...authenticated, schema: { params: strategyParams, body } },
    async (request, reply) => {
      const ownerId = request.user!.id;
      const strategy = await findStrategy(app.pg, ownerId, request.params.id);
      if (!strategy) throw new strategyErrors.ALP_STRATEGY_NOT_FOUND();
      const definition = {
        type: strategy.type,
        parameters: strategy.parameters,
      } as StrategyDefinition;
      const validation = validateBacktestRequest(definition, request.body);
      if (!validation.valid) {
        const summary = validation.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
        throw withExtras(new strategyErrors.ALP_STRATEGY_BACKTEST_INVALID(summary), {
          problems: validation.problems,
        });
      }
      const { symbol, interval, range, initialCash, feeRate } = validation.request;
      const context = callContext(request);
      const [terms, served] = await Promise.all([
        instrumentTerms(app, symbol, context),
        servedCandles(app, symbol, interval, context),
      ]);
      const candleMs = BACKTEST_INTERVALS[interval];
      const window = candleWindow(served, range, candleMs);
      if (!window.ok) {
        if (window.reason === 'not-finished') {
          throw withExtras(
            new strategyErrors.ALP_STRATEGY_BACKTEST_RANGE_NOT_FINISHED(window.finishedUntil),
            { finishedUntil: window.finishedUntil },
          );
        }
        if (window.reason === 'history-unavailable') {
          throw withExtras(
            new strategyErrors.ALP_STRATEGY_BACKTEST_HISTORY_UNAVAILABLE(window.earliest),
            { earliest: window.earliest },
          );
        }
        throw new strategyErrors.ALP_STRATEGY_BACKTEST_NO_CANDLES();
      }
      const result = runBacktest({
        definition,
        candles: window.candles,
        candleMs,
        initialCash,
        feeRate,
        lotSize: terms.lotSize,
        cashScale: cashScaleOf(terms.currency),
      });
      const run = await insertBacktestRun(app.pg, {
        id: uuidv7(),
        strategyId: strategy.id,
        ownerId,
        definition,
        symbol,
        interval,
        from: window.from,
        to: window.to,
        candles: window.candles.length,
        initialCash,
        feeRate,
        metrics: result.metrics,
        trades: result.trades,
      });
      return reply
        .code(201)
        .header('location', `/api/v1/strategies/${strategy.id}/backtests/${run.id}`)
        .send(run);
    },
  );

  app.get<{ Params: Static<typeof runParams> }>(
    '/api/v1/strategies/:id/backtests/:runId',
    { ...authenticated, schema: { params: runParams } },
    async (request) => {
      const { id, runId } = request.params;
      const run = await findBacktestRun(app.pg, request.user!.id, id, runId);
      if (!run) throw new strategyErrors.ALP_STRATEGY_BACKTEST_NOT_FOUND();
      return run;
    },
  );
};
