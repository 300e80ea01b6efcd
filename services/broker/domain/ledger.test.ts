import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Dec } from '../../platform/decimal.js';
import {
  balanceOf,
  depositJournal,
  EXTERNAL_ACCOUNT,
  FEES_ACCOUNT,
  fillJournal,
  journalBalances,
  MARKET_ACCOUNT,
  reconcile,
  userAccount,
  type Journal,
} from './ledger.js';
import type { BrokerFill } from './broker-order.js';

const fill = (overrides: Partial<BrokerFill> = {}): BrokerFill => ({
  execId: 'a/k/1',
  accountId: 'a',
  clientOrderId: 'k',
  symbol: 'AAPL',
  side: 'buy',
  quantity: '3',
  price: '100.10',
  fee: '0.03',
  currency: 'USD',
  step: 0,
  ...overrides,
});

describe('double-entry ledger', () => {
  test('a deposit debits the user and credits external', () => {
    expect(depositJournal('d1', 'a', 'USD', '1000.5')).toEqual({
      id: 'd1',
      kind: 'deposit',
      lines: [
        { account: 'user:a', asset: 'USD', debit: '1000.5', credit: '0' },
        { account: EXTERNAL_ACCOUNT, asset: 'USD', debit: '0', credit: '1000.5' },
      ],
    });
    expect(() => depositJournal('d2', 'a', 'USD', '0')).toThrow('deposit must be positive, got 0');
  });

  test('a buy moves the instrument in and the notional out by matching amounts; the fee goes to fees', () => {
    expect(fillJournal(fill())).toEqual({
      id: 'a/k/1',
      kind: 'fill',
      lines: [
        { account: 'user:a', asset: 'AAPL', debit: '3', credit: '0' },
        { account: MARKET_ACCOUNT, asset: 'AAPL', debit: '0', credit: '3' },
        { account: 'user:a', asset: 'USD', debit: '0', credit: '300.3' },
        { account: MARKET_ACCOUNT, asset: 'USD', debit: '300.3', credit: '0' },
        { account: 'user:a', asset: 'USD', debit: '0', credit: '0.03' },
        { account: FEES_ACCOUNT, asset: 'USD', debit: '0.03', credit: '0' },
      ],
    });
  });

  test('a sell mirrors it; a zero fee adds no lines', () => {
    const j = fillJournal(fill({ side: 'sell', fee: '0' }));
    expect(j.lines).toEqual([
      { account: 'user:a', asset: 'AAPL', debit: '0', credit: '3' },
      { account: MARKET_ACCOUNT, asset: 'AAPL', debit: '3', credit: '0' },
      { account: 'user:a', asset: 'USD', debit: '300.3', credit: '0' },
      { account: MARKET_ACCOUNT, asset: 'USD', debit: '0', credit: '300.3' },
    ]);
  });

  test('reconcile proves Σdebits = Σcredits per asset and finds an unbalanced journal', () => {
    const journals = [depositJournal('d1', 'a', 'USD', '1000'), fillJournal(fill())];
    expect(reconcile(journals)).toEqual({
      balanced: true,
      assets: [
        { asset: 'AAPL', debits: '3', credits: '3' },
        { asset: 'USD', debits: '1300.33', credits: '1300.33' },
      ],
      unbalancedJournals: [],
    });
    const broken: Journal = {
      id: 'bad',
      kind: 'fill',
      lines: [{ account: 'user:a', asset: 'USD', debit: '1', credit: '0' }],
    };
    expect(reconcile([...journals, broken])).toMatchObject({
      balanced: false,
      unbalancedJournals: ['bad'],
    });
    expect(
      journalBalances({
        id: 'x',
        kind: 'fill',
        lines: [{ account: 'u', asset: 'USD', debit: '1', credit: '1' }],
      }),
    ).toBe(false);
  });

  test('balances: cash = deposits - buys + sells - fees, holdings = buys - sells, exactly', () => {
    const f = fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      quantity: fc
        .integer({ min: 1, max: 100_000 })
        .map((n) => new Dec(n).times('0.00001').toFixed()),
      price: fc.integer({ min: 1, max: 10_000_000 }).map((n) => new Dec(n).times('0.01').toFixed()),
      fee: fc.integer({ min: 0, max: 10_000 }).map((n) => new Dec(n).times('0.01').toFixed()),
    });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000_000 }), { maxLength: 3 }),
        fc.array(f, { maxLength: 25 }),
        (deposits, fills) => {
          const journals: Journal[] = deposits.map((d, i) =>
            depositJournal(`d${i}`, 'a', 'USD', String(d)),
          );
          let cash = new Dec(deposits.reduce((t, d) => t + d, 0));
          let held = new Dec(0);
          fills.forEach((x, i) => {
            journals.push(fillJournal(fill({ ...x, symbol: 'BTC-USD', execId: `e${i}` })));
            const notional = new Dec(x.quantity).times(x.price);
            cash = (x.side === 'buy' ? cash.minus(notional) : cash.plus(notional)).minus(x.fee);
            held = x.side === 'buy' ? held.plus(x.quantity) : held.minus(x.quantity);
          });
          const r = reconcile(journals);
          expect(r.balanced).toBe(true);
          const lines = journals.flatMap((j) => j.lines);
          expect(balanceOf(lines, userAccount('a'), 'USD')).toBe(cash.toFixed());
          expect(balanceOf(lines, userAccount('a'), 'BTC-USD')).toBe(held.toFixed());
          // Whatever the user gained or lost, someone else holds: the market, fees, external.
          const others = [MARKET_ACCOUNT, FEES_ACCOUNT, EXTERNAL_ACCOUNT].reduce(
            (t, acc) => t.plus(balanceOf(lines, acc, 'USD')),
            new Dec(0),
          );
          expect(others.plus(cash).isZero()).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
