import { describe, expect, test } from 'vitest';
import { checkPriceTick, checkQuantityLot, isMultipleOf } from './tick-lot.js';
import { Dec } from '../../platform/decimal.js';

const equity = { tickSize: '0.01', lotSize: '1' };
const crypto = { tickSize: '0.5', lotSize: '0.0001' };

describe('tick and lot checks', () => {
  test.each([
    ['10.25', equity, true],
    ['10.255', equity, false],
    ['0.3', equity, true],
    ['100.5', crypto, true],
    ['100.25', crypto, false],
  ])('price %s on tick %o -> %s', (price, inc, ok) => {
    expect(checkPriceTick(new Dec(price), inc).ok).toBe(ok);
  });

  test.each([
    ['3', equity, true],
    ['3.5', equity, false],
    ['0.0003', crypto, true],
    ['0.00035', crypto, false],
  ])('quantity %s on lot %o -> %s', (qty, inc, ok) => {
    expect(checkQuantityLot(new Dec(qty), inc).ok).toBe(ok);
  });

  test('is exact where floats are not (0.3 is a multiple of 0.1)', () => {
    expect(0.3 % 0.1).not.toBe(0);
    expect(isMultipleOf(new Dec('0.3'), '0.1')).toBe(true);
  });

  test('explains the refusal', () => {
    expect(checkPriceTick(new Dec('10.255'), equity)).toEqual({
      ok: false,
      code: 'ALP_ORDERS_PRICE_OFF_TICK',
      reason: 'price 10.255 is not a multiple of the tick size 0.01',
    });
    expect(checkQuantityLot(new Dec('1.5'), equity)).toEqual({
      ok: false,
      code: 'ALP_ORDERS_QUANTITY_OFF_LOT',
      reason: 'quantity 1.5 is not a multiple of the lot size 1',
    });
  });

  test('refuses a non-positive increment', () => {
    expect(() => isMultipleOf(new Dec(1), '0')).toThrow('increment must be positive');
  });
});
