import { describe, expect, test } from 'vitest';
import {
  MAX_CATCH_UP,
  candlesNeeded,
  dueCandles,
  liveDecision,
  liveInterval,
} from './live-decision.js';
import type { StrategyDefinition } from '../validate-strategy.js';

const MINUTE = 60_000;
const dca = (p: Record<string, unknown> = {}): StrategyDefinition => ({
  type: 'dca',
  parameters: { symbol: 'AAPL', amount: '1000', interval: '1m', ...p },
});
const cross = (p: Record<string, unknown> = {}): StrategyDefinition => ({
  type: 'sma-crossover',
  parameters: { symbol: 'AAPL', timeframe: '1m', fast: 1, slow: 2, ...p },
});
const input = (definition: StrategyDefinition, closes: string[], more = {}) => ({
  definition,
  closes,
  sinceFirst: 0,
  candleMs: MINUTE,
  position: '0',
  lotSize: '1',
  ...more,
});

describe('liveInterval', () => {
  test.each([
    [dca({ interval: '1m' }), '1m'],
    [dca({ interval: '1h' }), '1h'],
    [dca({ interval: '1w' }), '1d'],
    [cross({ timeframe: '5m' }), '5m'],
    [cross({ timeframe: '4h' }), undefined],
  ])('%j -> %s', (definition, interval) => {
    expect(liveInterval(definition)).toBe(interval);
  });
});

describe('liveDecision', () => {
  test('DCA buys amount / close in whole lots at every candle of a 1m interval', () => {
    expect(liveDecision(input(dca(), ['190.87']))).toEqual({
      kind: 'order',
      side: 'buy',
      quantity: '5',
    });
    expect(liveDecision(input(dca(), ['9.99', '190.87'], { sinceFirst: 1 }))).toEqual({
      kind: 'order',
      side: 'buy',
      quantity: '5',
    });
    expect(liveDecision(input(dca(), ['3'], { lotSize: '0.5' }))).toEqual({
      kind: 'order',
      side: 'buy',
      quantity: '333',
    });
  });

  test('a daily DCA on hourly candles buys at its first candle and every 24th after it', () => {
    const daily = dca({ interval: '1d' });
    const at = (sinceFirst: number) =>
      liveDecision(input(daily, ['100'], { sinceFirst, candleMs: 60 * MINUTE })).kind;
    expect([at(0), at(1), at(23), at(24), at(48)]).toEqual([
      'order',
      'none',
      'none',
      'order',
      'order',
    ]);
  });

  test('DCA stops at maxPosition and skips an amount below one lot', () => {
    expect(liveDecision(input(dca({ maxPosition: '7' }), ['100'], { position: '5' }))).toEqual({
      kind: 'order',
      side: 'buy',
      quantity: '2',
    });
    expect(liveDecision(input(dca({ maxPosition: '7' }), ['100'], { position: '7' }))).toEqual({
      kind: 'skipped',
      side: 'buy',
      reason: 'the position is at maxPosition',
    });
    expect(liveDecision(input(dca({ amount: '50' }), ['190.87']))).toEqual({
      kind: 'skipped',
      side: 'buy',
      reason: 'amount 50 buys less than one lot at 190.87',
    });
  });

  test('a crossover buys maxPosition when flat, sells the whole position, needs maxPosition', () => {
    const up = ['10', '9', '12']; // fast (1) crosses above slow (2) at the last close
    const down = ['10', '12', '9'];
    expect(liveDecision(input(cross({ maxPosition: '4.5' }), up))).toEqual({
      kind: 'order',
      side: 'buy',
      quantity: '4',
    });
    expect(liveDecision(input(cross({ maxPosition: '4' }), up, { position: '4' }))).toEqual({
      kind: 'none',
    });
    expect(liveDecision(input(cross(), down, { position: '4' }))).toEqual({
      kind: 'order',
      side: 'sell',
      quantity: '4',
    });
    expect(liveDecision(input(cross(), down))).toEqual({ kind: 'none' });
    expect(liveDecision(input(cross(), up))).toEqual({
      kind: 'skipped',
      side: 'buy',
      reason: 'a live buy is sized by maxPosition',
    });
    expect(liveDecision(input(cross(), ['10', '9']))).toEqual({ kind: 'none' });
  });
});

describe('dueCandles', () => {
  const t0 = Date.parse('2026-03-01T10:00:00Z');
  const candles = Array.from({ length: 8 }, (_, i) => ({
    openTime: new Date(t0 + i * MINUTE).toISOString(),
    close: '1',
  }));

  test('only candles that closed after the activation and after the last evaluated one', () => {
    const activated = new Date(t0 + 5 * MINUTE + 30_000); // inside candle 5
    expect(dueCandles(candles, MINUTE, activated, null)).toEqual(candles.slice(5));
    expect(dueCandles(candles, MINUTE, activated, new Date(candles[6]!.openTime))).toEqual(
      candles.slice(7),
    );
    expect(dueCandles(candles, MINUTE, activated, new Date(candles[7]!.openTime))).toEqual([]);
  });

  test('after an outage, at most MAX_CATCH_UP of the newest', () => {
    expect(dueCandles(candles, MINUTE, new Date(t0 - MINUTE), null)).toEqual(
      candles.slice(-MAX_CATCH_UP),
    );
  });

  test('loads the history the rule needs plus the catch-up', () => {
    expect(candlesNeeded(cross({ slow: 20 }))).toBe(21 + MAX_CATCH_UP + 1);
    expect(candlesNeeded(dca())).toBe(1 + MAX_CATCH_UP + 1);
    expect(candlesNeeded(cross({ slow: 500 }))).toBe(500);
  });
});
