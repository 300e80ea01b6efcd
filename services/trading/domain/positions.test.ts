import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Dec, formatDecimal } from '../../platform/decimal.js';
import {
  applyFillToPosition,
  flatPosition,
  type Position,
  type PositionFill,
} from './positions.js';

function run(fills: readonly PositionFill[]): Position {
  return fills.reduce(applyFillToPosition, flatPosition('AAPL'));
}
const buy = (quantity: string, price: string): PositionFill => ({ side: 'buy', quantity, price });
const sell = (quantity: string, price: string): PositionFill => ({ side: 'sell', quantity, price });

describe('positions from fills', () => {
  test('buys accumulate cost; the average is exact', () => {
    expect(run([buy('10', '100'), buy('5', '103')])).toEqual({
      symbol: 'AAPL',
      quantity: '15',
      costBasis: '1515',
      avgCost: '101',
      realizedPnl: '0',
    });
  });

  test('a partial sell realises against the average cost', () => {
    expect(run([buy('10', '100'), buy('10', '110'), sell('5', '120')])).toEqual({
      symbol: 'AAPL',
      quantity: '15',
      costBasis: '1575',
      avgCost: '105',
      realizedPnl: '75',
    });
  });

  test('a round trip to flat realises exactly proceeds minus cost', () => {
    const p = run([buy('1', '1'), buy('1', '1'), buy('1', '2'), sell('1', '3'), sell('2', '1.5')]);
    expect(p).toEqual({
      symbol: 'AAPL',
      quantity: '0',
      costBasis: '0',
      avgCost: null,
      realizedPnl: '2',
    });
  });

  test('selling through zero opens a short at the fill price', () => {
    expect(run([buy('2', '10'), sell('5', '12')])).toEqual({
      symbol: 'AAPL',
      quantity: '-3',
      costBasis: '-36',
      avgCost: '12',
      realizedPnl: '4',
    });
  });

  test('covering a short realises the difference', () => {
    expect(run([sell('4', '50'), buy('1', '40'), buy('3', '55')])).toMatchObject({
      quantity: '0',
      realizedPnl: '-5',
    });
  });

  test('refuses an empty or free fill', () => {
    expect(() => run([buy('0', '1')])).toThrow(RangeError);
    expect(() => run([buy('1', '0')])).toThrow(RangeError);
  });

  test('realizedPnl - costBasis equals sells minus buys exactly, after any fills', () => {
    const fill = fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      quantity: fc
        .integer({ min: 1, max: 100_000 })
        .map((n) => formatDecimal(new Dec(n).times('0.0001'))),
      price: fc
        .integer({ min: 1, max: 10_000_000 })
        .map((n) => formatDecimal(new Dec(n).times('0.01'))),
    });
    fc.assert(
      fc.property(fc.array(fill, { maxLength: 30 }), (fills) => {
        let p = flatPosition('BTC-USD');
        let cash = new Dec(0);
        let qty = new Dec(0);
        for (const f of fills) {
          p = applyFillToPosition(p, f);
          const notional = new Dec(f.quantity).times(f.price);
          cash = f.side === 'sell' ? cash.plus(notional) : cash.minus(notional);
          qty = f.side === 'buy' ? qty.plus(f.quantity) : qty.minus(f.quantity);
          expect(new Dec(p.realizedPnl).minus(p.costBasis).eq(cash)).toBe(true);
          expect(new Dec(p.quantity).eq(qty)).toBe(true);
          // The cost basis always has the position's sign (or is zero when flat).
          expect(new Dec(p.costBasis).s === new Dec(p.quantity).s || qty.isZero()).toBe(true);
          if (qty.isZero())
            expect(p).toMatchObject({
              costBasis: '0',
              avgCost: null,
              realizedPnl: formatDecimal(cash),
            });
        }
      }),
      { numRuns: 300 },
    );
  });
});
