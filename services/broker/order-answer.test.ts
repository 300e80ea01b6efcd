import { describe, expect, test } from 'vitest';
import type { BrokerFill, BrokerOrder } from './domain/broker-order.js';
import { orderAnswer } from './order-answer.js';

const order: BrokerOrder = {
  accountId: 'a',
  clientOrderId: 'k',
  symbol: 'AAPL',
  side: 'buy',
  type: 'limit',
  quantity: '10',
  limitPrice: '100',
  status: 'working',
  filledQty: '0',
  matchedThroughStep: 4,
  fillCount: 0,
};
const fill = (n: number, quantity: string, price: string): BrokerFill => ({
  execId: `a/k/${n}`,
  accountId: 'a',
  clientOrderId: 'k',
  symbol: 'AAPL',
  side: 'buy',
  quantity,
  price,
  fee: '0.10',
  currency: 'USD',
  step: n,
});

describe('order answers', () => {
  test.each([
    [order, [], 'New', '0', '10', null],
    [
      { ...order, filledQty: '3' },
      [fill(1, '1', '99.99'), fill(2, '2', '99.98')],
      'PartiallyFilled',
      '3',
      '7',
      '99.983333333333333333',
    ],
    [
      { ...order, status: 'filled', filledQty: '10' },
      [fill(1, '10', '99.50')],
      'Filled',
      '10',
      '0',
      '99.5',
    ],
    [{ ...order, status: 'canceled', filledQty: '0' }, [], 'Canceled', '0', '0', null],
  ] as const)('%#: status, quantities and average price', (o, fills, status, cum, leaves, avg) => {
    const answer = orderAnswer(o as BrokerOrder, fills);
    expect([answer.status, answer.cumQty, answer.leavesQty, answer.avgPrice]).toEqual([
      status,
      cum,
      leaves,
      avg,
    ]);
  });

  test('fills are in canonical decimal form', () => {
    expect(orderAnswer({ ...order, filledQty: '1' }, [fill(1, '1.000', '99.50')]).fills).toEqual([
      { execId: 'a/k/1', quantity: '1', price: '99.5', fee: '0.1' },
    ]);
  });
});
