import { describe, expect, test } from 'vitest';
import { Dec } from '../../platform/decimal.js';
import { newOrderState } from './order-new.js';
import { applyExecutionReport, replayExecutionReports } from './order-reducer.js';
import type { ExecutionReport, OrderState } from './order-types.js';

const accepted: ExecutionReport = { kind: 'accepted' };
const fill = (execId: string, quantity: string, price: string): ExecutionReport => ({
  kind: 'fill',
  execId,
  quantity,
  price,
});

function run(quantity: string, reports: readonly ExecutionReport[]): OrderState {
  return replayExecutionReports(newOrderState(new Dec(quantity)), reports).state;
}

describe('order state machine', () => {
  test('a new order is PendingNew with everything leaves', () => {
    expect(newOrderState(new Dec('10'))).toEqual({
      status: 'PendingNew',
      quantity: '10',
      cumQty: '0',
      leavesQty: '10',
      cumNotional: '0',
      avgPx: null,
      execIds: [],
      reason: null,
    });
    expect(() => newOrderState(new Dec(0))).toThrow('order quantity must be positive');
  });

  test('accept, partial fill, fill: exact cumulative figures and average price', () => {
    const s = run('10', [accepted, fill('e1', '4', '100.10'), fill('e2', '6', '100.25')]);
    expect(s).toEqual({
      status: 'Filled',
      quantity: '10',
      cumQty: '10',
      leavesQty: '0',
      cumNotional: '1001.9',
      avgPx: '100.19',
      execIds: ['e1', 'e2'],
      reason: null,
    });
  });

  test('average price is rounded half-even to 18 places from the exact notional', () => {
    const s = run('3', [
      accepted,
      fill('e1', '1', '1'),
      fill('e2', '1', '1'),
      fill('e3', '1', '2'),
    ]);
    expect(s.cumNotional).toBe('4');
    expect(s.avgPx).toBe('1.333333333333333333');
  });

  test('reports the status change of each step', () => {
    const start = newOrderState(new Dec('5'));
    const a = applyExecutionReport(start, accepted);
    expect(a).toMatchObject({
      ok: true,
      changed: true,
      transition: { from: 'PendingNew', to: 'New' },
    });
    const b = applyExecutionReport(a.state, fill('e1', '2', '10'));
    expect(b).toMatchObject({
      ok: true,
      changed: true,
      transition: { from: 'New', to: 'PartiallyFilled' },
    });
    const c = applyExecutionReport(b.state, fill('e2', '1', '10'));
    // Another partial fill changes figures but not the status: no transition to audit.
    expect(c).toMatchObject({ ok: true, changed: true });
    expect(c.ok && c.transition).toBeUndefined();
  });

  test('a duplicate exec id is ignored', () => {
    const once = run('10', [accepted, fill('e1', '4', '10')]);
    const result = applyExecutionReport(once, fill('e1', '4', '10'));
    expect(result).toEqual({ ok: true, state: once, changed: false });
  });

  test('an overfill is refused and changes nothing', () => {
    const s = run('10', [accepted, fill('e1', '8', '10')]);
    expect(applyExecutionReport(s, fill('e2', '3', '10'))).toEqual({
      ok: false,
      code: 'ALP_ORDERS_OVERFILL',
      reason: 'fill e2 of 3 exceeds leaves 2',
      state: s,
    });
  });

  test.each([
    ['0', '10'],
    ['1', '0'],
  ])('a fill of %s at %s is refused', (q, p) => {
    const s = run('10', [accepted]);
    expect(applyExecutionReport(s, fill('e1', q, p))).toMatchObject({
      ok: false,
      code: 'ALP_ORDERS_BAD_FILL',
    });
  });

  test('rejection from PendingNew ends the order with nothing left', () => {
    expect(run('10', [{ kind: 'rejected', reason: 'unknown symbol' }])).toMatchObject({
      status: 'Rejected',
      leavesQty: '0',
      cumQty: '0',
      reason: 'unknown symbol',
    });
  });

  test('cancel: New -> PendingCancel -> Canceled keeps the filled part', () => {
    const s = run('10', [
      accepted,
      fill('e1', '3', '10'),
      { kind: 'cancel-requested' },
      { kind: 'canceled' },
    ]);
    expect(s).toMatchObject({ status: 'Canceled', cumQty: '3', leavesQty: '0', avgPx: '10' });
  });

  test.each([
    [[accepted], 'New'],
    [[accepted, fill('e1', '1', '5')], 'PartiallyFilled'],
  ] as const)('a cancel reject goes back to where it was (%#)', (before, back) => {
    const s = run('10', [
      ...before,
      { kind: 'cancel-requested' },
      { kind: 'cancel-rejected', reason: 'too late' },
    ]);
    expect(s.status).toBe(back);
    expect(s.reason).toBe('too late');
  });

  test('a fill while PendingCancel stays PendingCancel unless it completes the order', () => {
    const pending = run('10', [accepted, { kind: 'cancel-requested' }, fill('e1', '4', '10')]);
    expect(pending).toMatchObject({ status: 'PendingCancel', cumQty: '4', leavesQty: '6' });
    const done = applyExecutionReport(pending, fill('e2', '6', '10'));
    expect(done).toMatchObject({
      ok: true,
      state: { status: 'Filled' },
      transition: { from: 'PendingCancel', to: 'Filled' },
    });
    // The broker then rejects the cancel as too late: harmless.
    expect(
      applyExecutionReport(done.state, { kind: 'cancel-rejected', reason: 'filled' }),
    ).toMatchObject({
      ok: true,
      changed: false,
    });
  });

  test('expiry from New only', () => {
    expect(run('10', [accepted, { kind: 'expired' }])).toMatchObject({
      status: 'Expired',
      leavesQty: '0',
    });
    const partial = run('10', [accepted, fill('e1', '1', '1')]);
    expect(applyExecutionReport(partial, { kind: 'expired' })).toMatchObject({
      ok: false,
      code: 'ALP_ORDERS_ILLEGAL_TRANSITION',
    });
  });

  test.each<[string, readonly ExecutionReport[], ExecutionReport]>([
    ['fill before accept', [], fill('e1', '1', '1')],
    ['cancel before accept', [], { kind: 'cancel-requested' }],
    ['canceled before accept', [], { kind: 'canceled' }],
    ['reject after accept', [accepted], { kind: 'rejected', reason: 'x' }],
    ['cancel reject without a request', [accepted], { kind: 'cancel-rejected', reason: 'x' }],
    ['fill after cancel', [accepted, { kind: 'canceled' }], fill('e1', '1', '1')],
    ['cancel after fill', [accepted, fill('e1', '10', '1')], { kind: 'cancel-requested' }],
    ['canceled after fill', [accepted, fill('e1', '10', '1')], { kind: 'canceled' }],
    ['accept after reject', [{ kind: 'rejected', reason: 'x' }], accepted],
    ['expire after reject', [{ kind: 'rejected', reason: 'x' }], { kind: 'expired' }],
  ])('%s is illegal', (_name, before, report) => {
    const s = run('10', before);
    expect(applyExecutionReport(s, report)).toMatchObject({
      ok: false,
      code: 'ALP_ORDERS_ILLEGAL_TRANSITION',
      state: s,
    });
  });

  test.each<[string, readonly ExecutionReport[], ExecutionReport]>([
    ['second accept', [accepted], accepted],
    ['late accept after a fill', [accepted, fill('e1', '2', '1')], accepted],
    [
      'second cancel request',
      [accepted, { kind: 'cancel-requested' }],
      { kind: 'cancel-requested' },
    ],
    ['second cancel confirmation', [accepted, { kind: 'canceled' }], { kind: 'canceled' }],
    ['second rejection', [{ kind: 'rejected', reason: 'x' }], { kind: 'rejected', reason: 'y' }],
    ['second expiry', [accepted, { kind: 'expired' }], { kind: 'expired' }],
  ])('%s is a harmless repeat', (_name, before, report) => {
    const s = run('10', before);
    expect(applyExecutionReport(s, report)).toEqual({ ok: true, state: s, changed: false });
  });

  test('replay collects refused reports and keeps going', () => {
    const result = replayExecutionReports(newOrderState(new Dec('2')), [
      fill('e0', '1', '1'),
      accepted,
      fill('e1', '3', '1'),
      fill('e2', '2', '1'),
    ]);
    expect(result.refused).toEqual([
      { index: 0, code: 'ALP_ORDERS_ILLEGAL_TRANSITION' },
      { index: 2, code: 'ALP_ORDERS_OVERFILL' },
    ]);
    expect(result.state.status).toBe('Filled');
  });

  test('never mutates its input', () => {
    const s = Object.freeze(run('10', [accepted]));
    const next = applyExecutionReport(s, fill('e1', '1', '1'));
    expect(next.state).not.toBe(s);
    expect(s.cumQty).toBe('0');
  });
});
