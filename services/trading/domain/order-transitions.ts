import type { OrderStatus } from './order-types.js';

/**
 * Legal status changes. PendingCancel -> Filled is included on purpose: when a cancel
 * races a fill and the broker fills the rest first, the fill must not be lost (FIX
 * reports OrdStatus=Filled in that case and the cancel is rejected as too late).
 */
export const ORDER_TRANSITIONS: { readonly [S in OrderStatus]: readonly OrderStatus[] } = {
  PendingNew: ['New', 'Rejected'],
  New: ['PartiallyFilled', 'Filled', 'PendingCancel', 'Canceled', 'Expired'],
  PartiallyFilled: ['PartiallyFilled', 'Filled', 'PendingCancel', 'Canceled'],
  PendingCancel: ['Canceled', 'New', 'PartiallyFilled', 'Filled'],
  Filled: [],
  Canceled: [],
  Rejected: [],
  Expired: [],
};

export function isTerminal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Whether a cancel request may be sent for an order in this status. */
export function isCancelable(status: OrderStatus): boolean {
  return canTransition(status, 'PendingCancel');
}
