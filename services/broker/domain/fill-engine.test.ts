import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Dec } from '../../platform/decimal.js';
import { cancelOrder, checkSubmission, matchOrder, openOrder } from './fill-engine.js';
import { DEFAULT_INSTRUMENTS, type Instrument } from './instruments.js';
import type { Quote } from './market-simulator.js';
import type { SubmitOrderRequest } from './broker-order.js';

const aapl = DEFAULT_INSTRUMENTS[0] as Instrument;
// A scripted feed: one quote per step.
function feed(rows: readonly [bid: string, ask: string, size: string][]): (step: number) => Quote {
  return (step) => {
    const [bid, ask, size] = rows[Math.min(step, rows.length - 1)] ?? ['0', '0', '0'];
    return {
      symbol: 'AAPL',
      step,
      time: '',
      bid,
      ask,
      last: bid,
      bidSize: size,
      askSize: size,
      currency: 'USD',
    };
  };
}
const buy: SubmitOrderRequest = {
  accountId: 'acc1',
  clientOrderId: 'k1',
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  quantity: '10',
};
const options = (quoteAt: (s: number) => Quote) => ({
  instrument: aapl,
  quoteAt,
  feeRateCentiBps: 100,
});

describe('fill engine', () => {
  test('a market buy fills at the ask in the step it arrives', () => {
    const r = matchOrder(openOrder(buy, 3), 3, options(feed([['99.98', '100.02', '500']])));
    expect(r.fills).toEqual([
      {
        execId: 'acc1/k1/1',
        accountId: 'acc1',
        clientOrderId: 'k1',
        symbol: 'AAPL',
        side: 'buy',
        quantity: '10',
        price: '100.02',
        fee: '0.1',
        currency: 'USD',
        step: 3,
      },
    ]);
    expect(r.order).toMatchObject({
      status: 'filled',
      filledQty: '10',
      matchedThroughStep: 3,
      fillCount: 1,
    });
  });

  test('a market sell fills at the bid', () => {
    const r = matchOrder(
      openOrder({ ...buy, side: 'sell' }, 0),
      0,
      options(feed([['99.98', '100.02', '500']])),
    );
    expect(r.fills[0]).toMatchObject({ side: 'sell', price: '99.98' });
  });

  test('liquidity: at most the displayed size per step, so fills are partial', () => {
    const quotes = feed([
      ['99', '100', '4'],
      ['99', '101', '4'],
      ['99', '102', '4'],
    ]);
    const first = matchOrder(openOrder(buy, 0), 0, options(quotes));
    expect(first.fills.map((f) => [f.quantity, f.price])).toEqual([['4', '100']]);
    expect(first.order).toMatchObject({ status: 'working', filledQty: '4' });
    const rest = matchOrder(first.order, 5, options(quotes));
    expect(rest.fills.map((f) => [f.execId, f.quantity, f.price, f.step])).toEqual([
      ['acc1/k1/2', '4', '101', 1],
      ['acc1/k1/3', '2', '102', 2],
    ]);
    expect(rest.order).toMatchObject({
      status: 'filled',
      filledQty: '10',
      matchedThroughStep: 2,
      fillCount: 3,
    });
  });

  test('a limit buy waits until the ask crosses its price, then fills at the ask', () => {
    const quotes = feed([
      ['100.00', '100.05', '500'],
      ['99.97', '100.01', '500'],
      ['99.96', '99.99', '500'],
    ]);
    const order = openOrder({ ...buy, type: 'limit', limitPrice: '100.00' }, 0);
    const early = matchOrder(order, 1, options(quotes));
    expect(early.fills).toEqual([]);
    expect(early.order).toMatchObject({ status: 'working', matchedThroughStep: 1 });
    const later = matchOrder(early.order, 2, options(quotes));
    expect(later.fills.map((f) => [f.price, f.step])).toEqual([['99.99', 2]]);
  });

  test('a limit sell fills when the bid reaches its price', () => {
    const quotes = feed([
      ['100.00', '100.05', '500'],
      ['100.10', '100.15', '500'],
    ]);
    const r = matchOrder(
      openOrder({ ...buy, side: 'sell', type: 'limit', limitPrice: '100.10' }, 0),
      1,
      options(quotes),
    );
    expect(r.fills.map((f) => [f.price, f.step])).toEqual([['100.10', 1]]);
  });

  test('matching a finished order again fills nothing', () => {
    const quotes = feed([['99', '100', '500']]);
    const done = matchOrder(openOrder(buy, 0), 0, options(quotes)).order;
    expect(matchOrder(done, 100, options(quotes))).toEqual({ order: done, fills: [] });
  });

  test('a repeated client order id: same terms is a duplicate, other terms a conflict', () => {
    const existing = openOrder({ ...buy, type: 'limit', limitPrice: '100.50' }, 0);
    expect(checkSubmission(undefined, buy)).toEqual({ kind: 'new' });
    expect(checkSubmission(existing, { ...buy, type: 'limit', limitPrice: '100.5' })).toEqual({
      kind: 'duplicate',
      order: existing,
    });
    expect(checkSubmission(existing, { ...buy, type: 'limit', limitPrice: '100.51' })).toEqual({
      kind: 'conflict',
      order: existing,
    });
    expect(
      checkSubmission(existing, { ...buy, quantity: '11', type: 'limit', limitPrice: '100.50' })
        .kind,
    ).toBe('conflict');
    expect(checkSubmission(existing, buy).kind).toBe('conflict');
  });

  test('cancel: the rest of a working order; too late once filled; repeated is harmless', () => {
    const working = { ...openOrder(buy, 0), filledQty: '4' };
    const canceled = cancelOrder(working);
    expect(canceled).toMatchObject({
      kind: 'canceled',
      canceledQty: '6',
      order: { status: 'canceled', filledQty: '4' },
    });
    expect(cancelOrder(canceled.order)).toMatchObject({ kind: 'already-canceled' });
    expect(cancelOrder({ ...working, status: 'filled', filledQty: '10' })).toMatchObject({
      kind: 'too-late',
    });
    expect(matchOrder(canceled.order, 10, options(feed([['1', '1', '500']]))).fills).toEqual([]);
  });

  test('fills never exceed the quantity, and matching in one go or step by step gives the same fills', () => {
    const row = fc.tuple(fc.integer({ min: 9_900, max: 10_100 }), fc.integer({ min: 1, max: 30 }));
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.option(fc.integer({ min: 9_900, max: 10_100 }), { nil: undefined }),
        (rows, qty, side, limitTicks) => {
          const quotes = feed(
            rows.map(([mid, size]) => [
              new Dec(mid - 1).div(100).toFixed(2),
              new Dec(mid + 1).div(100).toFixed(2),
              String(size),
            ]),
          );
          const request: SubmitOrderRequest = {
            ...buy,
            side,
            quantity: String(qty),
            ...(limitTicks === undefined
              ? {}
              : { type: 'limit' as const, limitPrice: new Dec(limitTicks).div(100).toFixed(2) }),
          };
          const end = rows.length - 1;
          const atOnce = matchOrder(openOrder(request, 0), end, options(quotes));
          let stepwise = openOrder(request, 0);
          const fills = [];
          for (let s = 0; s <= end; s += 1) {
            const r = matchOrder(stepwise, s, options(quotes));
            stepwise = r.order;
            fills.push(...r.fills);
          }
          expect(fills).toEqual(atOnce.fills);
          const total = atOnce.fills.reduce((t, f) => t.plus(f.quantity), new Dec(0));
          expect(total.lte(qty)).toBe(true);
          expect(total.eq(atOnce.order.filledQty)).toBe(true);
          expect(atOnce.order.status).toBe(total.eq(qty) ? 'filled' : 'working');
          expect(new Set(atOnce.fills.map((f) => f.execId)).size).toBe(atOnce.fills.length);
          if (request.limitPrice !== undefined) {
            for (const f of atOnce.fills) {
              expect(
                side === 'buy'
                  ? new Dec(f.price).lte(request.limitPrice)
                  : new Dec(f.price).gte(request.limitPrice),
              ).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
