import { describe, expect, test } from 'vitest';
import { applyFillToExposure, emptyExposure, releaseOrder, reserveOrder } from './exposure.js';
import { addRealized, realizedToday, utcDay } from './daily-pnl.js';
import { countOrder, EMPTY_RATE_WINDOW, ordersInWindow } from './order-rate.js';

describe('exposure from fills', () => {
  test('reserve, fill and release move quantities exactly', () => {
    let e = reserveOrder(emptyExposure('BTC-USD'), 'buy', '0.3');
    e = applyFillToExposure(e, { side: 'buy', quantity: '0.1', price: '60000' }).exposure;
    expect(e).toEqual({
      symbol: 'BTC-USD',
      position: '0.1',
      costBasis: '6000',
      openBuyQty: '0.2',
      openSellQty: '0',
    });
    e = releaseOrder(e, 'buy', '0.2');
    expect(e.openBuyQty).toBe('0');
    expect(releaseOrder(e, 'buy', '5').openBuyQty).toBe('0');
  });

  test('closing realises against the average cost', () => {
    let e = emptyExposure('AAPL');
    e = applyFillToExposure(e, { side: 'buy', quantity: '10', price: '100' }).exposure;
    const sold = applyFillToExposure(e, { side: 'sell', quantity: '4', price: '90' });
    expect(sold.realizedPnl).toBe('-40');
    expect(sold.exposure).toMatchObject({ position: '6', costBasis: '600' });
    const flat = applyFillToExposure(sold.exposure, { side: 'sell', quantity: '6', price: '110' });
    expect(flat).toEqual({
      exposure: {
        symbol: 'AAPL',
        position: '0',
        costBasis: '0',
        openBuyQty: '0',
        openSellQty: '0',
      },
      realizedPnl: '60',
    });
  });

  test('a fill through zero opens the other side', () => {
    const e = applyFillToExposure(emptyExposure('X'), {
      side: 'buy',
      quantity: '1',
      price: '10',
    }).exposure;
    const r = applyFillToExposure(e, { side: 'sell', quantity: '3', price: '12' });
    expect(r).toMatchObject({ realizedPnl: '2', exposure: { position: '-2', costBasis: '-24' } });
  });
});

describe('daily P&L', () => {
  const t = Date.parse('2026-03-02T23:59:59.999Z');
  test('accumulates within a UTC day and restarts the next', () => {
    const d1 = addRealized(undefined, '-10.5', t);
    expect(d1).toEqual({ day: '2026-03-02', realizedPnl: '-10.5' });
    expect(addRealized(d1, '0.5', t)).toEqual({ day: '2026-03-02', realizedPnl: '-10' });
    expect(realizedToday(d1, t + 1)).toBe('0');
    expect(addRealized(d1, '1', t + 1)).toEqual({ day: '2026-03-03', realizedPnl: '1' });
    expect(utcDay(0)).toBe('1970-01-01');
  });
});

describe('order rate window', () => {
  test('counts within a minute-aligned window', () => {
    const t = Date.parse('2026-03-02T10:00:59.000Z');
    const w1 = countOrder(EMPTY_RATE_WINDOW, t);
    expect(w1).toEqual({ windowStartMs: Date.parse('2026-03-02T10:00:00.000Z'), count: 1 });
    expect(countOrder(w1, t + 500)).toMatchObject({ count: 2 });
    expect(ordersInWindow(w1, t + 1000)).toBe(0);
    expect(countOrder(w1, t + 1000)).toEqual({
      windowStartMs: Date.parse('2026-03-02T10:01:00.000Z'),
      count: 1,
    });
    // A clock that went backwards does not count against the user.
    expect(ordersInWindow(w1, t - 60_000)).toBe(0);
  });
});
