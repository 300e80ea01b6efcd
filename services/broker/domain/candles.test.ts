import { describe, expect, test } from 'vitest';
import { Dec } from '../../platform/decimal.js';
import { candleSeries, intervalSteps, MAX_CANDLE_STEPS, type Candle } from './candles.js';
import { DEFAULT_INSTRUMENTS } from './instruments.js';
import { createMarket, quoteAt } from './market-simulator.js';

const market = createMarket('candles', DEFAULT_INSTRUMENTS);
const start = Date.parse('2026-01-01T00:00:00.000Z');
const timeOfStep = (s: number) => start + s * 1000;

function consistent(c: Candle): boolean {
  const [o, h, l, cl] = [c.open, c.high, c.low, c.close].map((v) => new Dec(v)) as [
    Dec,
    Dec,
    Dec,
    Dec,
  ];
  return h.gte(Dec.max(o, cl)) && l.lte(Dec.min(o, cl)) && new Dec(c.volume).gte(0);
}

describe('candles', () => {
  test('aligned to the interval, newest last, the forming one marked incomplete', () => {
    const candles = candleSeries(
      market,
      { symbol: 'AAPL', intervalSteps: 60, lastStep: 185, count: 3 },
      timeOfStep,
    );
    expect(candles.map((c) => [c.startStep, c.openTime, c.complete])).toEqual([
      [60, '2026-01-01T00:01:00.000Z', true],
      [120, '2026-01-01T00:02:00.000Z', true],
      [180, '2026-01-01T00:03:00.000Z', false],
    ]);
    expect(candles.every(consistent)).toBe(true);
  });

  test('open and close are the mid prices at the first and last steps; high/low bound every step', () => {
    const [c] = candleSeries(
      market,
      { symbol: 'ETH-USD', intervalSteps: 30, lastStep: 59, count: 1 },
      timeOfStep,
    );
    const mids = Array.from(
      { length: 30 },
      (_, i) => new Dec(quoteAt(market, 'ETH-USD', 30 + i, 0).last),
    );
    expect(c?.open).toBe(mids[0]?.toFixed(2));
    expect(c?.close).toBe(mids[29]?.toFixed(2));
    expect(c?.high).toBe(Dec.max(...mids).toFixed(2));
    expect(c?.low).toBe(Dec.min(...mids).toFixed(2));
    expect(c?.complete).toBe(true);
  });

  test('fewer candles near the start of the market; the same request gives the same candles', () => {
    const req = { symbol: 'BTC-USD', intervalSteps: 10, lastStep: 15, count: 5 };
    const candles = candleSeries(market, req, timeOfStep);
    expect(candles.map((c) => c.startStep)).toEqual([0, 10]);
    expect(candleSeries(createMarket('candles', DEFAULT_INSTRUMENTS), req, timeOfStep)).toEqual(
      candles,
    );
    expect(candles[0]?.volume).toMatch(/^\d+\.\d{5}$/);
  });

  test('bounds the work of one request', () => {
    expect(() =>
      candleSeries(
        market,
        { symbol: 'AAPL', intervalSteps: 3600, lastStep: 0, count: 1000 },
        timeOfStep,
      ),
    ).toThrow(`at most ${MAX_CANDLE_STEPS} steps per request`);
    expect(() =>
      candleSeries(market, { symbol: 'AAPL', intervalSteps: 0, lastStep: 0, count: 1 }, timeOfStep),
    ).toThrow(RangeError);
  });

  test.each([
    [60_000, 1000, 60],
    [60_000, 7000, 'the interval must be a multiple of the market step (7000 ms)'],
    [0, 1000, 'the interval must be a positive number of milliseconds'],
  ])('interval %i ms on a %i ms clock -> %s', (interval, step, expected) => {
    expect(intervalSteps(interval, step)).toBe(expected);
  });
});
