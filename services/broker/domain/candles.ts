import {
  lotsToQuantity,
  midTicks,
  modelOf,
  stepVolumeLots,
  ticksToPrice,
  type SimulatedMarket,
} from './market-simulator.js';

export interface Candle {
  readonly symbol: string;
  readonly startStep: number;
  readonly openTime: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  /** False for the candle still forming at the current step. */
  readonly complete: boolean;
}

export interface CandleRequest {
  readonly symbol: string;
  /** Steps per candle, e.g. 60 for one-minute candles on a one-second clock. */
  readonly intervalSteps: number;
  /** The current step: the last candle is the one containing it. */
  readonly lastStep: number;
  /** How many candles, newest last; fewer near the start of the market. */
  readonly count: number;
}

/** Largest number of steps one request may walk (bounds the work a query can cause). */
export const MAX_CANDLE_STEPS = 200_000;

/** Steps per candle for an interval, or an explanation why the interval does not fit the clock. */
export function intervalSteps(intervalMs: number, stepMs: number): number | string {
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0)
    return 'the interval must be a positive number of milliseconds';
  if (intervalMs % stepMs !== 0)
    return `the interval must be a multiple of the market step (${stepMs} ms)`;
  return intervalMs / stepMs;
}

/** OHLCV candles aligned to multiples of the interval (candle k covers steps [k·I, (k+1)·I)). */
export function candleSeries(
  market: SimulatedMarket,
  request: CandleRequest,
  timeOfStep: (step: number) => number,
): Candle[] {
  const { symbol, intervalSteps: interval, lastStep, count } = request;
  if (!Number.isSafeInteger(interval) || interval < 1)
    throw new RangeError('intervalSteps must be a positive integer');
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError('count must be a positive integer');
  if (interval * count > MAX_CANDLE_STEPS)
    throw new RangeError(`at most ${MAX_CANDLE_STEPS} steps per request`);
  const { instrument } = modelOf(market, symbol);
  const lastIndex = Math.floor(lastStep / interval);
  const firstIndex = Math.max(0, lastIndex - count + 1);
  const candles: Candle[] = [];
  for (let index = firstIndex; index <= lastIndex; index += 1) {
    const start = index * interval;
    const end = Math.min(start + interval - 1, lastStep);
    let open = 0;
    let high = 0;
    let low = 0;
    let close = 0;
    let volumeLots = 0;
    for (let step = start; step <= end; step += 1) {
      const mid = midTicks(market, symbol, step);
      if (step === start) {
        open = mid;
        high = mid;
        low = mid;
      }
      high = Math.max(high, mid);
      low = Math.min(low, mid);
      close = mid;
      volumeLots += stepVolumeLots(market, symbol, step);
    }
    candles.push({
      symbol,
      startStep: start,
      openTime: new Date(timeOfStep(start)).toISOString(),
      open: ticksToPrice(instrument, open),
      high: ticksToPrice(instrument, high),
      low: ticksToPrice(instrument, low),
      close: ticksToPrice(instrument, close),
      volume: lotsToQuantity(instrument, volumeLots),
      complete: end === start + interval - 1,
    });
  }
  return candles;
}
