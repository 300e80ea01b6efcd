import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Dec } from '../../platform/decimal.js';
import {
  DEFAULT_INSTRUMENTS,
  instrumentProblems,
  findInstrument,
  type Instrument,
} from './instruments.js';
import { createMarket, midTicks, quoteAt } from './market-simulator.js';
import { ManualClock, WallClock } from './market-clock.js';
import { hashString, mix32, randomInt, randomUint32 } from './prng.js';

const symbols = DEFAULT_INSTRUMENTS.map((i) => i.symbol);

describe('seeded PRNG', () => {
  test('pins known values', () => {
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).toBe(1364076727);
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(randomUint32(1, 2, 3)).toBe(randomUint32(1, 2, 3));
  });

  test('is a pure function of (seed, stream, n) and roughly uniform', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let n = 0; n < 20_000; n += 1) {
      const v = randomInt(42, 7, n, 0, 9);
      buckets[v] = (buckets[v] ?? 0) + 1;
    }
    for (const b of buckets) expect(Math.abs(b - 2000)).toBeLessThan(200);
    expect(randomUint32(42, 7, 2 ** 40)).not.toBe(randomUint32(42, 7, 0));
  });
});

describe('instruments', () => {
  test('the default list is valid and has equities and crypto pairs', () => {
    expect(instrumentProblems(DEFAULT_INSTRUMENTS)).toEqual([]);
    expect(symbols).toEqual(['AAPL', 'MSFT', 'TSLA', 'SPY', 'BTC-USD', 'ETH-USD']);
    expect(findInstrument(DEFAULT_INSTRUMENTS, 'BTC-USD')).toMatchObject({
      kind: 'crypto',
      tickSize: '0.01',
      lotSize: '0.00001',
      currency: 'USD',
    });
    expect(findInstrument(DEFAULT_INSTRUMENTS, 'NOPE')).toBeUndefined();
  });

  test('reports every problem of a bad list', () => {
    const aapl = DEFAULT_INSTRUMENTS[0] as Instrument;
    expect(
      instrumentProblems([
        aapl,
        { ...aapl },
        {
          ...aapl,
          symbol: 'bad',
          tickSize: '0',
          lotSize: '-1',
          referencePrice: '1.001',
          volatilityBps: -1,
          spreadBps: 0.5,
          maxDisplayedLots: 0,
        },
      ]),
    ).toEqual([
      'AAPL: listed twice',
      'bad: symbol must be upper-case',
      'bad: tickSize must be positive',
      'bad: lotSize must be positive',
      'bad: volatilityBps must be a non-negative integer',
      'bad: spreadBps must be a non-negative integer',
      'bad: maxDisplayedLots must be a positive integer',
    ]);
  });
});

describe('simulated market', () => {
  const market = createMarket('alphintra-test', DEFAULT_INSTRUMENTS);

  test('the same seed gives the same prices; another seed other prices', () => {
    const again = createMarket('alphintra-test', DEFAULT_INSTRUMENTS);
    const other = createMarket('another-seed', DEFAULT_INSTRUMENTS);
    const path = (m: typeof market) =>
      Array.from({ length: 50 }, (_, i) => quoteAt(m, 'AAPL', i * 37, 0));
    expect(path(again)).toEqual(path(market));
    expect(path(other)).not.toEqual(path(market));
  });

  test('pins a quote for seed "alphintra-test"', () => {
    expect(quoteAt(market, 'AAPL', 1000, Date.parse('2026-01-01T00:16:40.000Z')))
      .toMatchInlineSnapshot(`
      {
        "ask": "191.98",
        "askSize": "372",
        "bid": "191.96",
        "bidSize": "22",
        "currency": "USD",
        "last": "191.97",
        "step": 1000,
        "symbol": "AAPL",
        "time": "2026-01-01T00:16:40.000Z",
      }
    `);
  });

  test('a price at a step does not depend on which steps were asked before', () => {
    const forward = Array.from({ length: 100 }, (_, i) => midTicks(market, 'ETH-USD', i));
    const fresh = createMarket('alphintra-test', DEFAULT_INSTRUMENTS);
    const backward = Array.from({ length: 100 }, (_, i) =>
      midTicks(fresh, 'ETH-USD', 99 - i),
    ).reverse();
    expect(backward).toEqual(forward);
  });

  test('quotes are exact multiples of the tick and lot, bid < last < ask, within a band', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...symbols),
        fc.integer({ min: 0, max: 50_000_000 }),
        (symbol, step) => {
          const i = findInstrument(DEFAULT_INSTRUMENTS, symbol) as Instrument;
          const q = quoteAt(market, symbol, step, 0);
          for (const price of [q.bid, q.ask, q.last]) {
            expect(new Dec(price).mod(i.tickSize).isZero()).toBe(true);
            expect(price).toMatch(/^\d+\.\d{2}$/);
          }
          expect(new Dec(q.bid).lt(q.last) && new Dec(q.last).lt(q.ask)).toBe(true);
          expect(new Dec(q.bidSize).gt(0) && new Dec(q.bidSize).mod(i.lotSize).isZero()).toBe(true);
          expect(new Dec(q.askSize).gt(0) && new Dec(q.askSize).mod(i.lotSize).isZero()).toBe(true);
          const ratio = new Dec(q.last).div(i.referencePrice);
          expect(ratio.gt('0.5') && ratio.lt('1.5')).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('prices move', () => {
    const mids = new Set(Array.from({ length: 100 }, (_, i) => midTicks(market, 'BTC-USD', i)));
    expect(mids.size).toBeGreaterThan(50);
  });

  test('refuses unknown symbols and negative steps', () => {
    expect(() => quoteAt(market, 'NOPE', 0, 0)).toThrow('unknown symbol NOPE');
    expect(() => midTicks(market, 'AAPL', -1)).toThrow('step must be a non-negative integer');
    expect(() => midTicks(market, 'AAPL', 1.5)).toThrow(RangeError);
  });
});

describe('market clocks', () => {
  test('a manual clock moves only when stepped, never backwards', () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'), 1000);
    expect(clock.currentStep()).toBe(0);
    expect(clock.advance()).toBe(1);
    expect(clock.advance(59)).toBe(60);
    expect(new Date(clock.timeOfStep(60)).toISOString()).toBe('2026-01-01T00:01:00.000Z');
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  test('a wall clock counts steps from a fixed start', () => {
    let now = 10_000;
    const clock = new WallClock(10_000, 250, () => now);
    expect(clock.currentStep()).toBe(0);
    now = 10_999;
    expect(clock.currentStep()).toBe(3);
    now = 0;
    expect(clock.currentStep()).toBe(0);
  });
});
