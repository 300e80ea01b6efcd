import { describe, expect, test } from 'vitest';
import { Dec } from '../../platform/decimal.js';
import { checkBuyingPower } from './buying-power.js';
import { checkDepositAmount, MAX_DEPOSIT } from './deposit-amount.js';
import { currencyScale, feeFor } from './fees.js';
import { DEFAULT_INSTRUMENTS } from './instruments.js';
import { BROKER_DOMAIN_ERRORS, checkOrderRequest } from './order-request.js';
import type { SubmitOrderRequest } from './broker-order.js';

describe('fees', () => {
  test.each([
    ['1000', 100, '0.1'],
    ['1000', 0, '0'],
    ['50', 1000, '0.05'],
    ['25', 1000, '0.03'], // 0.025 rounds half up to a whole cent
    ['24.99', 1000, '0.02'],
  ])('fee on %s at %i centi-bps is %s', (notional, rate, fee) => {
    expect(feeFor(new Dec(notional), rate, 'USD').toFixed()).toBe(fee);
  });

  test('refuses a negative or fractional rate; unknown currencies use 2 decimals', () => {
    expect(() => feeFor(new Dec(1), -1, 'USD')).toThrow(RangeError);
    expect(() => feeFor(new Dec(1), 1.5, 'USD')).toThrow(RangeError);
    expect(currencyScale('USDT')).toBe(6);
    expect(currencyScale('XYZ')).toBe(2);
  });
});

describe('buying power', () => {
  const base = { quantity: '10', referencePrice: '100', feeRateCentiBps: 100, currency: 'USD' };
  test('enough cash including the fee', () => {
    expect(checkBuyingPower({ ...base, availableCash: '1000.1' })).toEqual({
      ok: true,
      required: '1000.1',
    });
  });
  test('one cent short', () => {
    expect(checkBuyingPower({ ...base, availableCash: '1000.09' })).toEqual({
      ok: false,
      code: 'ALP_BROKER_INSUFFICIENT_FUNDS',
      reason: 'the order needs 1000.1 USD; 1000.09 is available',
      required: '1000.1',
    });
  });
});

describe('deposit amounts', () => {
  test.each([
    ['100', '100'],
    ['100.50', '100.5'],
    ['0.01', '0.01'],
    [MAX_DEPOSIT, MAX_DEPOSIT],
  ])('accepts %s', (raw, amount) => {
    expect(checkDepositAmount(raw, 'USD')).toEqual({ ok: true, amount });
  });

  test.each([
    [100, 'amount must be a decimal string, e.g. "1000.00"'],
    ['1.001', 'amount must be plain digits with at most 2 decimals'],
    ['-5', 'amount must be plain digits with at most 2 decimals'],
    ['1e3', 'amount must be plain digits with at most 2 decimals'],
    ['0.00', 'amount must be positive'],
    ['1000000000000.01', 'amount must be at most 1000000000000'],
  ])('refuses %j', (raw, reason) => {
    expect(checkDepositAmount(raw, 'USD')).toEqual({
      ok: false,
      code: 'ALP_ACCOUNTS_INVALID_AMOUNT',
      reason,
    });
  });
});

describe('order requests', () => {
  const req: SubmitOrderRequest = {
    accountId: 'a',
    clientOrderId: 'k',
    symbol: 'AAPL',
    side: 'buy',
    type: 'market',
    quantity: '5',
  };
  test('a valid order names its instrument', () => {
    expect(checkOrderRequest(req, DEFAULT_INSTRUMENTS)).toMatchObject({
      ok: true,
      instrument: { symbol: 'AAPL' },
    });
    expect(
      checkOrderRequest({ ...req, symbol: 'BTC-USD', quantity: '0.00003' }, DEFAULT_INSTRUMENTS).ok,
    ).toBe(true);
  });

  test.each<[Partial<SubmitOrderRequest>, keyof typeof BROKER_DOMAIN_ERRORS]>([
    [{ symbol: 'NOPE' }, 'ALP_BROKER_UNKNOWN_SYMBOL'],
    [{ quantity: '1.5' }, 'ALP_BROKER_QUANTITY_OFF_LOT'],
    [{ quantity: '0' }, 'ALP_BROKER_QUANTITY_OFF_LOT'],
    [{ type: 'limit' }, 'ALP_BROKER_LIMIT_PRICE_REQUIRED'],
    [{ type: 'limit', limitPrice: '100.001' }, 'ALP_BROKER_PRICE_OFF_TICK'],
    [{ limitPrice: '100' }, 'ALP_BROKER_LIMIT_PRICE_FORBIDDEN'],
  ])('refuses %o with %s', (patch, code) => {
    expect(checkOrderRequest({ ...req, ...patch }, DEFAULT_INSTRUMENTS)).toMatchObject({
      ok: false,
      code,
    });
  });

  test('every broker error code is ALP_BROKER_*', () => {
    expect(Object.keys(BROKER_DOMAIN_ERRORS).every((c) => /^ALP_BROKER_[A-Z_]+$/.test(c))).toBe(
      true,
    );
  });
});
