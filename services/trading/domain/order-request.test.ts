import { describe, expect, test } from 'vitest';
import { formatDecimal } from '../../platform/decimal.js';
import { parseOrderRequest } from './order-request.js';

const equity = { tickSize: '0.01', lotSize: '1' };

describe('parseOrderRequest', () => {
  test('a limit order', () => {
    const r = parseOrderRequest(
      { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '190.25' },
      equity,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect({
      ...r.order,
      quantity: formatDecimal(r.order.quantity),
      limitPrice: r.order.limitPrice && formatDecimal(r.order.limitPrice),
    }).toEqual({
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      limitPrice: '190.25',
    });
  });

  test('a market order has no limit price', () => {
    const r = parseOrderRequest({
      symbol: 'BTC-USD',
      side: 'sell',
      type: 'market',
      quantity: '0.5',
    });
    expect(r.ok && r.order.limitPrice).toBeNull();
  });

  test('a JSON number is refused for quantity and price', () => {
    expect(
      parseOrderRequest({
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: 10,
        limitPrice: 190.25,
      }),
    ).toEqual({
      ok: false,
      problems: [
        {
          field: 'quantity',
          code: 'ALP_ORDERS_DECIMAL_NOT_STRING',
          reason: 'quantity must be a decimal string, got number',
        },
        {
          field: 'limitPrice',
          code: 'ALP_ORDERS_DECIMAL_NOT_STRING',
          reason: 'limitPrice must be a decimal string, got number',
        },
      ],
    });
  });

  test('reports every problem at once', () => {
    expect(
      parseOrderRequest({ symbol: 'aapl', side: 'hold', type: 'stop', quantity: '-1', extra: 1 }),
    ).toEqual({
      ok: false,
      problems: [
        { field: 'extra', code: 'ALP_ORDERS_FIELD_INVALID', reason: 'extra is not an order field' },
        {
          field: 'symbol',
          code: 'ALP_ORDERS_FIELD_INVALID',
          reason: 'symbol must be an upper-case instrument symbol',
        },
        { field: 'side', code: 'ALP_ORDERS_FIELD_INVALID', reason: 'side must be "buy" or "sell"' },
        {
          field: 'type',
          code: 'ALP_ORDERS_FIELD_INVALID',
          reason: 'type must be "market" or "limit"',
        },
        {
          field: 'quantity',
          code: 'ALP_ORDERS_DECIMAL_MALFORMED',
          reason: 'quantity is not a plain decimal: "-1"',
        },
      ],
    });
  });

  test.each([
    [{ type: 'limit' }, 'limitPrice', 'ALP_ORDERS_DECIMAL_NOT_STRING'],
    [{ type: 'limit', limitPrice: '190.255' }, 'limitPrice', 'ALP_ORDERS_PRICE_OFF_TICK'],
    [{ quantity: '1.5' }, 'quantity', 'ALP_ORDERS_QUANTITY_OFF_LOT'],
    [{ limitPrice: '1' }, 'limitPrice', 'ALP_ORDERS_FIELD_INVALID'],
    [{ quantity: '0' }, 'quantity', 'ALP_ORDERS_DECIMAL_NOT_POSITIVE'],
  ])('%o -> %s %s', (patch, field, code) => {
    const r = parseOrderRequest(
      { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', ...patch },
      equity,
    );
    expect(r).toEqual({ ok: false, problems: [expect.objectContaining({ field, code })] });
  });

  test.each([[null], [[]], ['{}'], [42]])(
    'a body that is not an object (%j) is refused',
    (body) => {
      expect(parseOrderRequest(body)).toMatchObject({
        ok: false,
        problems: [{ field: '', code: 'ALP_ORDERS_FIELD_INVALID' }],
      });
    },
  );
});
