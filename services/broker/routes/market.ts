import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { candleSeries, intervalSteps, MAX_CANDLE_STEPS } from '../domain/candles.js';
import { findInstrument } from '../domain/instruments.js';
import { quoteAt } from '../domain/market-simulator.js';
import { marketErrors } from '../errors.js';
import type { BrokerContext } from '../store/broker-context.js';

/** Candle intervals by name; each must be a whole number of market steps. */
export const CANDLE_INTERVALS = {
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
} as const;

export const MAX_CANDLES = 500;

const quotesQuery = Type.Object({
  symbols: Type.String({ minLength: 1, maxLength: 1000 }),
});
const candlesQuery = Type.Object({
  interval: Type.Optional(
    Type.Union(
      Object.keys(CANDLE_INTERVALS).map((k) => Type.Literal(k)),
      { default: '1m' },
    ),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CANDLES, default: 100 })),
});
const candlesParams = Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 20 }) });

/**
 * Market data from the deterministic simulator: instruments, quotes at the current step,
 * and OHLCV candles. Read-only and the same for everyone, so no user token is needed here
 * (the gateway still asks for one at the edge).
 */
export const marketRoutes: FastifyPluginAsync<{ ctx: BrokerContext }> = async (app, { ctx }) => {
  app.get('/api/v1/market/instruments', async () => ({
    instruments: ctx.instruments.map(({ symbol, name, kind, currency, tickSize, lotSize }) => ({
      symbol,
      name,
      kind,
      currency,
      tickSize,
      lotSize,
    })),
  }));

  app.get<{ Querystring: Static<typeof quotesQuery> }>(
    '/api/v1/market/quotes',
    { schema: { querystring: quotesQuery } },
    async (request) => {
      const symbols = [...new Set(request.query.symbols.split(',').map((s) => s.trim()))];
      const unknown = symbols.filter((s) => !findInstrument(ctx.instruments, s));
      if (unknown.length > 0) throw new marketErrors.ALP_MARKET_UNKNOWN_SYMBOL(unknown.join(', '));
      const step = await ctx.clock.current(app.pg);
      const time = ctx.clock.timeOfStep(step);
      return {
        step,
        quotes: symbols.map((s) => quoteAt(ctx.market, s, step, time)),
        // On a wall-time clock the quotes hold until the next step begins, so a caller may
        // reuse them until then; a hand-stepped clock (test profile) can move at any moment.
        ...(!ctx.clock.manual && {
          validUntil: new Date(ctx.clock.timeOfStep(step + 1)).toISOString(),
        }),
      };
    },
  );

  app.get<{ Params: Static<typeof candlesParams>; Querystring: Static<typeof candlesQuery> }>(
    '/api/v1/market/candles/:symbol',
    { schema: { params: candlesParams, querystring: candlesQuery } },
    async (request) => {
      const { symbol } = request.params;
      if (!findInstrument(ctx.instruments, symbol)) {
        throw new marketErrors.ALP_MARKET_UNKNOWN_SYMBOL(symbol);
      }
      const interval = (request.query.interval ?? '1m') as keyof typeof CANDLE_INTERVALS;
      const steps = intervalSteps(CANDLE_INTERVALS[interval], ctx.clock.stepMs);
      if (typeof steps === 'string') throw new marketErrors.ALP_MARKET_INTERVAL_INVALID(steps);
      // Bounded work: never more than MAX_CANDLE_STEPS simulated steps per request.
      const count = Math.min(request.query.limit ?? 100, Math.floor(MAX_CANDLE_STEPS / steps));
      if (count < 1) {
        throw new marketErrors.ALP_MARKET_INTERVAL_INVALID(
          `${interval} spans more than ${MAX_CANDLE_STEPS} market steps`,
        );
      }
      const lastStep = await ctx.clock.current(app.pg);
      return {
        symbol,
        interval,
        candles: candleSeries(ctx.market, { symbol, intervalSteps: steps, lastStep, count }, (s) =>
          ctx.clock.timeOfStep(s),
        ),
      };
    },
  );
};
