import { describe, expect, test } from 'vitest';
import { Dec } from '../../platform/decimal.js';
import { newOrderState } from './order-new.js';
import { orderAuditEntry, orderEvents, type OrderRef } from './order-events.js';
import { applyExecutionReport } from './order-reducer.js';
import type { ExecutionReport, OrderState } from './order-types.js';

const ref: OrderRef = {
  orderId: '0d7c6a2e-0000-4000-8000-000000000001',
  userId: 'u1',
  symbol: 'AAPL',
  side: 'buy',
  type: 'limit',
  quantity: '10',
  limitPrice: '100',
};
const at = '2026-01-01T00:00:00.000Z';

function step(state: OrderState, report: ExecutionReport) {
  const result = applyExecutionReport(state, report);
  return { result, events: orderEvents(ref, report, result, at) };
}

describe('order events', () => {
  test('accept, fill, cancel: one event each with exact figures', () => {
    const a = step(newOrderState(new Dec(10)), { kind: 'accepted' });
    expect(a.events.map((e) => e.topic)).toEqual(['OrderAccepted']);
    expect(a.events[0]).toEqual({
      topic: 'OrderAccepted',
      key: ref.orderId,
      payload: { version: 1, occurredAt: at, ...ref, status: 'New', cumQty: '0', avgPx: null },
    });
    const f = step(a.result.state, { kind: 'fill', execId: 'x1', quantity: '4', price: '99.5' });
    expect(f.events).toEqual([
      {
        topic: 'OrderFilled',
        key: ref.orderId,
        payload: expect.objectContaining({
          execId: 'x1',
          fillQty: '4',
          fillPrice: '99.5',
          cumQty: '4',
          leavesQty: '6',
          avgPx: '99.5',
          status: 'PartiallyFilled',
        }),
      },
    ]);
    const c = step(f.result.state, { kind: 'canceled', reason: 'user' });
    expect(c.events).toEqual([
      {
        topic: 'OrderCanceled',
        key: ref.orderId,
        payload: expect.objectContaining({ releasedQty: '6', reason: 'user', status: 'Canceled' }),
      },
    ]);
  });

  test('a completing fill is one OrderFilled with status Filled', () => {
    const s = applyExecutionReport(newOrderState(new Dec(10)), { kind: 'accepted' }).state;
    const f = step(s, { kind: 'fill', execId: 'x1', quantity: '10', price: '1' });
    expect(f.events.map((e) => [e.topic, e.payload['status']])).toEqual([
      ['OrderFilled', 'Filled'],
    ]);
  });

  test('rejection and expiry release everything left', () => {
    const r = step(newOrderState(new Dec(10)), { kind: 'rejected', reason: 'risk: max-position' });
    expect(r.events).toEqual([
      {
        topic: 'OrderRejected',
        key: ref.orderId,
        payload: expect.objectContaining({ releasedQty: '10', reason: 'risk: max-position' }),
      },
    ]);
    const s = applyExecutionReport(newOrderState(new Dec(10)), { kind: 'accepted' }).state;
    expect(step(s, { kind: 'expired' }).events).toEqual([
      {
        topic: 'OrderExpired',
        key: ref.orderId,
        payload: expect.objectContaining({ releasedQty: '10' }),
      },
    ]);
  });

  test('repeats and refusals produce no events', () => {
    const s = applyExecutionReport(newOrderState(new Dec(10)), { kind: 'accepted' }).state;
    expect(step(s, { kind: 'accepted' }).events).toEqual([]);
    expect(step(s, { kind: 'fill', execId: 'x', quantity: '11', price: '1' }).events).toEqual([]);
    expect(step(s, { kind: 'cancel-requested' }).events).toEqual([]);
  });

  test('audit entries hold strings only and omit what is absent', () => {
    expect(orderAuditEntry(ref, { from: null, to: 'PendingNew' }, at, { actor: 'u1' })).toEqual({
      at,
      orderId: ref.orderId,
      userId: 'u1',
      from: null,
      to: 'PendingNew',
      actor: 'u1',
    });
    expect(
      orderAuditEntry(ref, { from: 'New', to: 'Filled' }, at, { execId: 'x1', reason: null }),
    ).toEqual({
      at,
      orderId: ref.orderId,
      userId: 'u1',
      from: 'New',
      to: 'Filled',
      execId: 'x1',
    });
  });
});
