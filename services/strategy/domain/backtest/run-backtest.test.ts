import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Dec } from '../../../platform/decimal.js';
import { runBacktest, type BacktestInput } from './run-backtest.js';

const MINUTE = 60_000;
const START = Date.parse('2026-03-01T00:00:00Z');

function candles(closes: readonly (string | number)[], candleMs = MINUTE) {
  return closes.map((c, i) => ({
    openTime: new Date(START + i * candleMs).toISOString(),
    close: String(c),
  }));
}

function input(over: Partial<BacktestInput> & Pick<BacktestInput, 'definition'>): BacktestInput {
  return {
    candles: [],
    candleMs: MINUTE,
    initialCash: '1000',
    feeRate: '0',
    lotSize: '1',
    cashScale: 2,
    ...over,
  };
}

const at = (i: number, candleMs = MINUTE) => new Date(START + (i + 1) * candleMs).toISOString();

describe('runBacktest: worked examples (computed by hand)', () => {
  test('sma-crossover 1/2 buys on the cross up, sells on the cross down, closes at the end', () => {
    const result = runBacktest(
      input({
        definition: {
          type: 'sma-crossover',
          parameters: { symbol: 'AAPL', timeframe: '1m', fast: 1, slow: 2 },
        },
        candles: candles(['10', '9', '11', '12', '8', '10']),
      }),
    );
    expect(result.trades).toEqual([
      {
        time: at(2),
        side: 'buy',
        reason: 'signal',
        price: '11',
        quantity: '90',
        notional: '990',
        fee: '0',
        realizedPnl: null,
        cash: '10',
        position: '90',
      },
      {
        time: at(4),
        side: 'sell',
        reason: 'signal',
        price: '8',
        quantity: '90',
        notional: '720',
        fee: '0',
        realizedPnl: '-270',
        cash: '730',
        position: '0',
      },
      {
        time: at(5),
        side: 'buy',
        reason: 'signal',
        price: '10',
        quantity: '73',
        notional: '730',
        fee: '0',
        realizedPnl: null,
        cash: '0',
        position: '73',
      },
      {
        time: at(5),
        side: 'sell',
        reason: 'end-of-test',
        price: '10',
        quantity: '73',
        notional: '730',
        fee: '0',
        realizedPnl: '0',
        cash: '730',
        position: '0',
      },
    ]);
    expect(result.metrics).toEqual({
      trades: 4,
      roundTrips: 2,
      winningTrades: 0,
      finalEquity: '730',
      realizedPnl: '-270',
      fees: '0',
      totalReturn: '-0.27',
      // Peak 1090 (90 shares at 12 plus 10 cash), trough 730: 360 / 1090.
      maxDrawdown: '0.33027523',
      winRate: '0',
    });
  });

  test('momentum buys above +threshold up to maxPosition and sells below -threshold', () => {
    const result = runBacktest(
      input({
        definition: {
          type: 'momentum',
          parameters: {
            symbol: 'AAPL',
            maxPosition: '5',
            timeframe: '1m',
            lookback: 2,
            threshold: '0.1',
          },
        },
        candles: candles(['100', '105', '111', '120', '110', '98', '100']),
      }),
    );
    expect(result.trades.map((t) => [t.side, t.reason, t.price, t.quantity, t.cash])).toEqual([
      ['buy', 'signal', '111', '5', '445'],
      ['sell', 'signal', '98', '5', '935'],
    ]);
    expect(result.metrics).toEqual({
      trades: 2,
      roundTrips: 1,
      winningTrades: 0,
      finalEquity: '935',
      realizedPnl: '-65',
      fees: '0',
      totalReturn: '-0.065',
      maxDrawdown: '0.10526316',
      winRate: '0',
    });
  });

  test('dca buys its amount every interval in whole lots, fees included, and never sells early', () => {
    const quarter = 15 * MINUTE;
    const result = runBacktest(
      input({
        definition: {
          type: 'dca',
          parameters: { symbol: 'ETH-USD', amount: '100', interval: '1h' },
        },
        candleMs: quarter,
        candles: candles(['30', '31', '32', '33', '40', '41', '42', '43', '20'], quarter),
        initialCash: '250',
        feeRate: '0.01',
        lotSize: '0.5',
      }),
    );
    expect(result.trades.map((t) => [t.time, t.side, t.quantity, t.fee, t.cash])).toEqual([
      [at(0, quarter), 'buy', '3', '0.9', '159.1'],
      [at(4, quarter), 'buy', '2', '0.8', '78.3'],
      // Only 78.30 left: 3.5 lots of 0.5 at 20 plus 1 % fee (70.70).
      [at(8, quarter), 'buy', '3.5', '0.7', '7.6'],
      [at(8, quarter), 'sell', '8.5', '1.7', '175.9'],
    ]);
    expect(result.metrics).toEqual({
      trades: 4,
      roundTrips: 1,
      winningTrades: 0,
      finalEquity: '175.9',
      realizedPnl: '-74.1',
      fees: '4.1',
      totalReturn: '-0.2964',
      // Peak 293.30 (before the fall to 20), last equity 175.90 after the closing fee.
      maxDrawdown: '0.40027276',
      winRate: '0',
    });
  });

  test('a winning round trip counts in the win rate; no candles, no trades', () => {
    const win = runBacktest(
      input({
        definition: {
          type: 'sma-crossover',
          parameters: { symbol: 'AAPL', timeframe: '1m', fast: 1, slow: 2 },
        },
        candles: candles(['10', '9', '10', '12', '11']),
      }),
    );
    expect(win.metrics).toMatchObject({
      trades: 2,
      roundTrips: 1,
      winningTrades: 1,
      finalEquity: '1100',
      realizedPnl: '100',
      totalReturn: '0.1',
      winRate: '1',
    });
    const none = runBacktest(
      input({
        definition: { type: 'dca', parameters: { symbol: 'A', amount: '5', interval: '1h' } },
      }),
    );
    expect(none).toEqual({
      trades: [],
      metrics: {
        trades: 0,
        roundTrips: 0,
        winningTrades: 0,
        finalEquity: '1000',
        realizedPnl: '0',
        fees: '0',
        totalReturn: '0',
        maxDrawdown: '0',
        winRate: null,
      },
    });
  });
});

describe('runBacktest: properties', () => {
  const price = fc.integer({ min: 1, max: 100_000 }).map((c) => new Dec(c).div(100).toFixed(2));
  const definition = fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .map(([fast, extra]) => ({
        type: 'sma-crossover' as const,
        parameters: { symbol: 'X', timeframe: '1m', fast, slow: fast + extra },
      })),
    fc.integer({ min: 1, max: 5 }).map((lookback) => ({
      type: 'momentum' as const,
      parameters: { symbol: 'X', maxPosition: '7', timeframe: '1m', lookback, threshold: '0.01' },
    })),
    fc.constant({
      type: 'dca' as const,
      parameters: { symbol: 'X', maxPosition: '40', amount: '75.5', interval: '1h' },
    }),
  );

  test('same input, same bytes; cash never negative; equity = initial cash + realised P&L', () => {
    fc.assert(
      fc.property(definition, fc.array(price, { maxLength: 60 }), (def, closes) => {
        const run = input({
          definition: def,
          candles: candles(closes),
          feeRate: '0.001',
          lotSize: '0.01',
        });
        const result = runBacktest(run);
        expect(JSON.stringify(runBacktest(run))).toBe(JSON.stringify(result));
        const { metrics, trades } = result;
        expect(metrics.trades).toBe(trades.length);
        const realized = trades.reduce((s, t) => s.plus(t.realizedPnl ?? 0), new Dec(0));
        expect(new Dec(metrics.finalEquity).minus(1000).eq(realized)).toBe(true);
        expect(new Dec(metrics.realizedPnl).eq(realized)).toBe(true);
        expect(trades.at(-1)?.position ?? '0').toBe('0');
        for (const t of trades) {
          expect(new Dec(t.cash).gte(0)).toBe(true);
          const cap = (def.parameters as { maxPosition?: string }).maxPosition;
          if (cap !== undefined) expect(new Dec(t.position).lte(cap)).toBe(true);
        }
        expect(new Dec(metrics.maxDrawdown).gte(0) && new Dec(metrics.maxDrawdown).lte(1)).toBe(
          true,
        );
      }),
    );
  });
});
