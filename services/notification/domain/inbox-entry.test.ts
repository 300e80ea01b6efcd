import { expect, test } from 'vitest';
import { entryFromEvent, type InboxEvent } from './inbox-entry.js';

const USER = '6F1C2A4E-8A51-4C1E-9D7E-0F4F8A4B9C11';
const base = {
  version: 1,
  orderId: 'o-1',
  userId: USER,
  symbol: 'MSFT',
  side: 'sell',
  type: 'limit',
  quantity: '10.50',
  limitPrice: '400',
  cumQty: '4.0',
};
const event = (topic: string, payload: Record<string, unknown>): InboxEvent => ({
  id: 'e-1',
  topic,
  occurredAt: '2026-01-02T03:04:05.678Z',
  payload: { ...base, ...payload },
});

test('a fill: this fill at its price, the order beside it, canonical decimal strings', () => {
  const e = event('OrderFilled', {
    status: 'PartiallyFilled',
    fillQty: '4.000',
    fillPrice: '0412.250',
    leavesQty: '6.5',
    execId: 'x-1',
  });
  expect(entryFromEvent(e)).toEqual({
    userId: USER.toLowerCase(),
    eventId: 'e-1',
    type: 'order.filled',
    data: {
      orderId: 'o-1',
      symbol: 'MSFT',
      side: 'sell',
      status: 'PartiallyFilled',
      occurredAt: '2026-01-02T03:04:05.678Z',
      quantity: '4',
      price: '412.25',
      orderQuantity: '10.5',
      cumQty: '4',
      leavesQty: '6.5',
    },
  });
});

test.each([
  ['OrderCanceled', 'order.canceled', 'Canceled', null],
  ['OrderRejected', 'order.rejected', 'Rejected', 'ALP_RISK_RESTRICTED_SYMBOL'],
])('%s: what was left and why', (topic, type, status, reason) => {
  const entry = entryFromEvent(event(topic, { status, releasedQty: '6.50', reason }));
  expect(entry.type).toBe(type);
  expect(entry.data).toEqual({
    orderId: 'o-1',
    symbol: 'MSFT',
    side: 'sell',
    status,
    occurredAt: '2026-01-02T03:04:05.678Z',
    quantity: '10.5',
    cumQty: '4',
    releasedQty: '6.5',
    reason,
  });
});

test.each([
  ['a topic the inbox does not take', 'OrderAccepted', {}, /does not take OrderAccepted/],
  ['no userId', 'OrderFilled', { userId: undefined }, /without userId/],
  ['a userId that is not a uuid', 'OrderFilled', { userId: 'u-1' }, /uuid userId/],
  ['no orderId', 'OrderFilled', { orderId: '' }, /without orderId/],
  ['an unknown side', 'OrderFilled', { side: 'short' }, /side short/],
  ['an exponent', 'OrderFilled', { fillPrice: '1e3' }, /fillPrice that is not a decimal/],
  ['a number, not a string', 'OrderFilled', { fillQty: 2 }, /without fillQty/],
  ['no releasedQty', 'OrderCanceled', { releasedQty: undefined }, /without releasedQty/],
])('%s throws (the bus retries, then dead-letters)', (_name, topic, extra, message) => {
  const good = {
    status: 'Filled',
    fillQty: '1',
    fillPrice: '1',
    leavesQty: '0',
    releasedQty: '1',
  };
  expect(() => entryFromEvent(event(topic, { ...good, ...extra }))).toThrow(message);
});
