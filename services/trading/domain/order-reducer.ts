import { dec, divideRounded, formatDecimal, STORAGE_SCALE } from '../../platform/decimal.js';
import type { TradingDomainErrorCode } from './errors.js';
import { canTransition, isTerminal } from './order-transitions.js';
import type { ExecutionReport, OrderState, OrderStatus } from './order-types.js';

export type ApplyResult =
  | {
      readonly ok: true;
      readonly state: OrderState;
      /** False when the report was a duplicate or a harmless late message. */
      readonly changed: boolean;
      /** Present when the status changed (write an audit entry and an event for it). */
      readonly transition?: { readonly from: OrderStatus; readonly to: OrderStatus };
    }
  | {
      readonly ok: false;
      readonly code: TradingDomainErrorCode;
      readonly reason: string;
      /** The unchanged state, so a caller may keep going after logging. */
      readonly state: OrderState;
    };

/**
 * Applies one execution report to an order. Pure: the input state is never modified.
 * Messages arrive at least once, so repeats are no-ops rather than errors: a known exec
 * id, a second ack, a second cancel confirmation, and a cancel reject that arrives after
 * the order already ended.
 */
export function applyExecutionReport(state: OrderState, report: ExecutionReport): ApplyResult {
  switch (report.kind) {
    case 'accepted':
      if (state.status === 'PendingNew') return move(state, 'New', {});
      return state.status === 'Rejected' ? illegal(state, report) : unchanged(state);
    case 'rejected':
      if (state.status === 'Rejected') return unchanged(state);
      return move(state, 'Rejected', { leavesQty: '0', reason: report.reason });
    case 'fill':
      return applyFill(state, report);
    case 'cancel-requested':
      if (state.status === 'PendingCancel') return unchanged(state);
      return move(state, 'PendingCancel', {});
    case 'canceled':
      if (state.status === 'Canceled') return unchanged(state);
      return move(state, 'Canceled', { leavesQty: '0', reason: report.reason ?? null });
    case 'cancel-rejected':
      if (isTerminal(state.status)) return unchanged(state);
      if (state.status !== 'PendingCancel') return illegal(state, report);
      return move(state, dec(state.cumQty).gt(0) ? 'PartiallyFilled' : 'New', {
        reason: report.reason,
      });
    case 'expired':
      if (state.status === 'Expired') return unchanged(state);
      return move(state, 'Expired', { leavesQty: '0' });
  }
}

function applyFill(
  state: OrderState,
  fill: Extract<ExecutionReport, { kind: 'fill' }>,
): ApplyResult {
  if (state.execIds.includes(fill.execId)) return unchanged(state);
  const quantity = dec(fill.quantity);
  const price = dec(fill.price);
  if (!quantity.gt(0) || !price.gt(0)) {
    return {
      ok: false,
      code: 'ALP_ORDERS_BAD_FILL',
      reason: `fill ${fill.execId} has quantity ${fill.quantity} and price ${fill.price}`,
      state,
    };
  }
  const fillable: readonly OrderStatus[] = ['New', 'PartiallyFilled', 'PendingCancel'];
  if (!fillable.includes(state.status)) return illegal(state, fill);
  const leaves = dec(state.leavesQty);
  if (quantity.gt(leaves)) {
    return {
      ok: false,
      code: 'ALP_ORDERS_OVERFILL',
      reason: `fill ${fill.execId} of ${formatDecimal(quantity)} exceeds leaves ${state.leavesQty}`,
      state,
    };
  }
  const cumQty = dec(state.cumQty).plus(quantity);
  const cumNotional = dec(state.cumNotional).plus(quantity.times(price));
  const newLeaves = leaves.minus(quantity);
  // While a cancel is pending the order stays PendingCancel until the broker answers,
  // unless this fill completes it.
  const next: OrderStatus = newLeaves.isZero()
    ? 'Filled'
    : state.status === 'PendingCancel'
      ? 'PendingCancel'
      : 'PartiallyFilled';
  return move(state, next, {
    cumQty: formatDecimal(cumQty),
    leavesQty: formatDecimal(newLeaves),
    cumNotional: formatDecimal(cumNotional),
    avgPx: formatDecimal(divideRounded(cumNotional, cumQty, STORAGE_SCALE)),
    execIds: [...state.execIds, fill.execId],
  });
}

function move(state: OrderState, to: OrderStatus, patch: Partial<OrderState>): ApplyResult {
  const from = state.status;
  // A self-transition is only legal where the table lists it (another partial fill, or a
  // fill while PendingCancel that leaves the status as it is).
  const selfFillWhilePending =
    from === 'PendingCancel' && to === 'PendingCancel' && patch.execIds !== undefined;
  if (!selfFillWhilePending && !canTransition(from, to)) {
    return {
      ok: false,
      code: 'ALP_ORDERS_ILLEGAL_TRANSITION',
      reason: `cannot go from ${from} to ${to}`,
      state,
    };
  }
  const next: OrderState = { ...state, ...patch, status: to };
  return from === to
    ? { ok: true, state: next, changed: true }
    : { ok: true, state: next, changed: true, transition: { from, to } };
}

function unchanged(state: OrderState): ApplyResult {
  return { ok: true, state, changed: false };
}

function illegal(state: OrderState, report: ExecutionReport): ApplyResult {
  return {
    ok: false,
    code: 'ALP_ORDERS_ILLEGAL_TRANSITION',
    reason: `a ${report.kind} report is not legal in status ${state.status}`,
    state,
  };
}

/** Applies reports in order, skipping (and collecting) the ones that were refused. */
export function replayExecutionReports(
  initial: OrderState,
  reports: readonly ExecutionReport[],
): {
  readonly state: OrderState;
  readonly refused: readonly { readonly index: number; readonly code: TradingDomainErrorCode }[];
} {
  let state = initial;
  const refused: { index: number; code: TradingDomainErrorCode }[] = [];
  reports.forEach((report, index) => {
    const result = applyExecutionReport(state, report);
    if (result.ok) state = result.state;
    else refused.push({ index, code: result.code });
  });
  return { state, refused };
}
