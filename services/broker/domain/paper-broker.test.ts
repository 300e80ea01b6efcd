import { describe, expect, test } from 'vitest';
import { Dec } from '../../platform/decimal.js';
import { DEFAULT_INSTRUMENTS } from './instruments.js';
import { ManualClock } from './market-clock.js';
import { createMarket } from './market-simulator.js';
import { PaperBroker } from './paper-broker.js';
import type { BrokerAdapter } from './broker-adapter.js';

function setup() {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'), 1000);
  const broker = new PaperBroker({
    market: createMarket('paper', DEFAULT_INSTRUMENTS),
    instruments: DEFAULT_INSTRUMENTS,
    clock,
    feeRateCentiBps: 100,
    cashCurrency: 'USD',
  });
  return { clock, broker };
}

describe('paper broker', () => {
  test('is a BrokerAdapter', async () => {
    const adapter: BrokerAdapter = setup().broker;
    expect(adapter.name).toBe('paper');
    expect((await adapter.listInstruments()).length).toBe(6);
    const quotes = await adapter.getQuotes(['AAPL', 'BTC-USD']);
    expect(quotes.map((q) => [q.symbol, q.step])).toEqual([
      ['AAPL', 0],
      ['BTC-USD', 0],
    ]);
  });

  test('deposit, market buy, sell: cash and holdings exact, the ledger balances', async () => {
    const { broker, clock } = setup();
    expect(broker.deposit('acc', 'dep-1', '10000.00')).toEqual({ ok: true, amount: '10000' });
    // A retried deposit with the same id is posted once.
    broker.deposit('acc', 'dep-1', '10000.00');
    const bought = await broker.submitOrder({
      accountId: 'acc',
      clientOrderId: 'k1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '10',
    });
    expect(bought.outcome).toBe('accepted');
    if (bought.outcome === 'rejected') return;
    expect(bought.order.status).toBe('filled');
    const [buyFill] = bought.fills;
    const spent = new Dec(buyFill?.price ?? '0').times(10).plus(buyFill?.fee ?? '0');
    expect(broker.account('acc')).toEqual({
      accountId: 'acc',
      currency: 'USD',
      cash: new Dec(10000).minus(spent).toFixed(),
      holdings: [{ symbol: 'AAPL', quantity: '10' }],
    });
    clock.advance(30);
    const sold = await broker.submitOrder({
      accountId: 'acc',
      clientOrderId: 'k2',
      symbol: 'AAPL',
      side: 'sell',
      type: 'market',
      quantity: '10',
    });
    expect(sold.outcome === 'accepted' && sold.fills[0]?.step).toBe(30);
    expect(broker.account('acc').holdings).toEqual([]);
    expect(broker.reconcile()).toMatchObject({ balanced: true, unbalancedJournals: [] });
  });

  test('a repeated client order id never fills twice', async () => {
    const { broker } = setup();
    broker.deposit('acc', 'd', '100000');
    const req = {
      accountId: 'acc',
      clientOrderId: 'same',
      symbol: 'MSFT',
      side: 'buy' as const,
      type: 'market' as const,
      quantity: '3',
    };
    const first = await broker.submitOrder(req);
    const again = await broker.submitOrder(req);
    expect(again).toEqual({ ...first, outcome: 'duplicate' });
    expect(broker.account('acc').holdings).toEqual([{ symbol: 'MSFT', quantity: '3' }]);
    expect(await broker.submitOrder({ ...req, quantity: '4' })).toMatchObject({
      outcome: 'rejected',
      code: 'ALP_BROKER_CLIENT_ORDER_ID_REUSED',
    });
    // The same id in another account is another order.
    broker.deposit('other', 'd', '100000');
    expect((await broker.submitOrder({ ...req, accountId: 'other' })).outcome).toBe('accepted');
  });

  test('a limit order rests, fills when the clock moves the price through it, and can be canceled', async () => {
    const { broker, clock } = setup();
    broker.deposit('acc', 'd', '1000000');
    const [q] = await broker.getQuotes(['BTC-USD']);
    const far = new Dec(q?.ask ?? '0').times('0.5').toFixed(2);
    const resting = await broker.submitOrder({
      accountId: 'acc',
      clientOrderId: 'lim',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      quantity: '0.01',
      limitPrice: far,
    });
    expect(resting).toMatchObject({ outcome: 'accepted', order: { status: 'working' }, fills: [] });
    clock.advance(100);
    expect(await broker.getOrder('acc', 'lim')).toMatchObject({
      order: { status: 'working', matchedThroughStep: 100 },
      fills: [],
    });
    expect(await broker.cancelOrder('acc', 'lim')).toMatchObject({
      outcome: 'canceled',
      order: { status: 'canceled' },
    });
    expect(await broker.cancelOrder('acc', 'lim')).toMatchObject({ outcome: 'already-canceled' });
    expect(await broker.cancelOrder('acc', 'nope')).toMatchObject({
      outcome: 'rejected',
      code: 'ALP_BROKER_ORDER_NOT_FOUND',
    });
    expect(await broker.getOrder('acc', 'nope')).toBeUndefined();

    const near = new Dec(q?.ask ?? '0').plus(1000).toFixed(2);
    const crossing = await broker.submitOrder({
      accountId: 'acc',
      clientOrderId: 'lim2',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      quantity: '0.01',
      limitPrice: near,
    });
    expect(crossing).toMatchObject({ outcome: 'accepted', order: { status: 'filled' } });
    expect(await broker.cancelOrder('acc', 'lim2')).toMatchObject({ outcome: 'too-late' });
  });

  test('refuses a buy the account cannot pay for, counting resting limit buys', async () => {
    const { broker } = setup();
    broker.deposit('acc', 'd', '1000');
    expect(
      await broker.submitOrder({
        accountId: 'acc',
        clientOrderId: 'big',
        symbol: 'SPY',
        side: 'buy',
        type: 'market',
        quantity: '100',
      }),
    ).toMatchObject({
      outcome: 'rejected',
      code: 'ALP_BROKER_INSUFFICIENT_FUNDS',
    });
    expect(
      (
        await broker.submitOrder({
          accountId: 'acc',
          clientOrderId: 'l1',
          symbol: 'AAPL',
          side: 'buy',
          type: 'limit',
          quantity: '9',
          limitPrice: '100.00',
        })
      ).outcome,
    ).toBe('accepted');
    expect(
      await broker.submitOrder({
        accountId: 'acc',
        clientOrderId: 'l2',
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        limitPrice: '100.00',
      }),
    ).toMatchObject({
      outcome: 'rejected',
      code: 'ALP_BROKER_INSUFFICIENT_FUNDS',
    });
    expect(
      await broker.submitOrder({
        accountId: 'acc',
        clientOrderId: 'x',
        symbol: 'NOPE',
        side: 'buy',
        type: 'market',
        quantity: '1',
      }),
    ).toMatchObject({
      outcome: 'rejected',
      code: 'ALP_BROKER_UNKNOWN_SYMBOL',
    });
  });

  test('partial fills of a large order continue as the clock steps; the ledger balances throughout', async () => {
    const { broker, clock } = setup();
    broker.deposit('acc', 'd', '100000000');
    const r = await broker.submitOrder({
      accountId: 'acc',
      clientOrderId: 'big',
      symbol: 'TSLA',
      side: 'buy',
      type: 'market',
      quantity: '2000',
    });
    expect(r.outcome === 'accepted' && r.order.status).toBe('working');
    for (let i = 0; i < 20; i += 1) {
      clock.advance();
      expect(broker.reconcile().balanced).toBe(true);
    }
    const final = await broker.getOrder('acc', 'big');
    expect(final?.order.status).toBe('filled');
    expect(final?.fills.reduce((t, f) => t.plus(f.quantity), new Dec(0)).toFixed()).toBe('2000');
    expect(broker.account('acc').holdings).toEqual([{ symbol: 'TSLA', quantity: '2000' }]);
  });
});
