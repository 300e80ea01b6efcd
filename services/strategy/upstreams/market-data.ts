import type { FastifyInstance } from 'fastify';
import { isUpstreamRejected, type CallContext } from '../../platform/index.js';
import { MAX_BACKTEST_CANDLES } from '../domain/backtest/backtest-request.js';
import type { ServedCandle } from '../domain/backtest/candle-window.js';
import { strategyErrors } from '../errors.js';

/** What a backtest needs to know about the instrument it trades. */
export interface InstrumentTerms {
  readonly lotSize: string;
  readonly currency: string;
}

/** Decimal places of cash currencies (fees are charged in whole units), as at the broker. */
const CURRENCY_SCALE: Readonly<Record<string, number>> = { USD: 2, EUR: 2, USDT: 6 };

export function cashScaleOf(currency: string): number {
  return CURRENCY_SCALE[currency] ?? 2;
}

/** The broker's trading terms of `symbol`; an instrument it does not list is a 422. */
export async function instrumentTerms(
  app: FastifyInstance,
  symbol: string,
  context: CallContext,
): Promise<InstrumentTerms> {
  const res = await app.services.call<{ instruments: (InstrumentTerms & { symbol: string })[] }>(
    'broker',
    { path: '/api/v1/market/instruments', context },
  );
  const found = res.body.instruments.find((i) => i.symbol === symbol);
  if (!found) throw new strategyErrors.ALP_STRATEGY_BACKTEST_SYMBOL_UNKNOWN(symbol);
  return { lotSize: found.lotSize, currency: found.currency };
}

/**
 * The newest candles the broker serves for `symbol` (as many as it allows at this interval,
 * up to its current step). The simulation is deterministic, so a finished candle never
 * changes between calls.
 */
export async function servedCandles(
  app: FastifyInstance,
  symbol: string,
  interval: string,
  context: CallContext,
): Promise<ServedCandle[]> {
  const query = `interval=${interval}&limit=${MAX_BACKTEST_CANDLES}`;
  try {
    const res = await app.services.call<{ candles: ServedCandle[] }>('broker', {
      path: `/api/v1/market/candles/${encodeURIComponent(symbol)}?${query}`,
      context,
      timeoutMs: 10_000,
    });
    return res.body.candles;
  } catch (err) {
    if (isUpstreamRejected(err) && err.upstream.code === 'ALP_MARKET_UNKNOWN_SYMBOL') {
      throw new strategyErrors.ALP_STRATEGY_BACKTEST_SYMBOL_UNKNOWN(symbol);
    }
    throw err;
  }
}
