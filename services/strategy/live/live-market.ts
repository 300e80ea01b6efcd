import type { FastifyInstance } from 'fastify';
import type { CallContext } from '../../platform/index.js';
import type { ServedCandle } from '../domain/backtest/candle-window.js';
import type { LiveCandle } from '../domain/live/live-decision.js';
import { instrumentTerms } from '../upstreams/market-data.js';

/** The newest finished candles of `symbol` at the broker, oldest first (at most `limit` + 1 asked). */
export async function liveCandles(
  app: FastifyInstance,
  symbol: string,
  interval: string,
  limit: number,
  context: CallContext,
): Promise<LiveCandle[]> {
  // One more than needed: the newest served candle is usually still forming.
  const query = `interval=${interval}&limit=${limit + 1}`;
  const res = await app.services.call<{ candles: ServedCandle[] }>('broker', {
    path: `/api/v1/market/candles/${encodeURIComponent(symbol)}?${query}`,
    context,
    timeoutMs: 5_000,
  });
  return res.body.candles
    .filter((c) => c.complete)
    .map((c) => ({ openTime: c.openTime, close: c.close }));
}

/** The instrument's lot size at the broker. */
export async function lotSizeOf(
  app: FastifyInstance,
  symbol: string,
  context: CallContext,
): Promise<string> {
  return (await instrumentTerms(app, symbol, context)).lotSize;
}
