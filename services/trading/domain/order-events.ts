import type { AuditEntry } from './audit-chain.js';
import { dec, formatDecimal } from '../../platform/decimal.js';
import type { ApplyResult } from './order-reducer.js';
import type { ExecutionReport, OrderSide, OrderStatus, OrderType } from './order-types.js';

/** Topics of the events trading writes to its outbox. */
export const ORDER_TOPICS = {
  accepted: 'OrderAccepted',
  filled: 'OrderFilled',
  canceled: 'OrderCanceled',
  rejected: 'OrderRejected',
  expired: 'OrderExpired',
} as const;

export type OrderTopic = (typeof ORDER_TOPICS)[keyof typeof ORDER_TOPICS];

/** What an event needs to say about the order besides its new state. */
export interface OrderRef {
  readonly orderId: string;
  readonly userId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: string;
  readonly limitPrice: string | null;
}

export interface OutboxEvent {
  readonly topic: OrderTopic;
  /** Ordering key: events of one order share it. */
  readonly key: string;
  readonly payload: { readonly [key: string]: string | number | null };
}

/**
 * The events one applied execution report produces (none for a repeat). Decimal figures
 * are strings; `version` lets consumers evolve. Consumers that keep exposure or positions
 * use OrderFilled's fill figures, and the remaining quantity of OrderCanceled/Rejected/
 * Expired to release what risk reserved.
 */
export function orderEvents(
  ref: OrderRef,
  report: ExecutionReport,
  result: ApplyResult,
  occurredAt: string,
): OutboxEvent[] {
  if (!result.ok || !result.changed) return [];
  const s = result.state;
  const base = {
    version: 1,
    occurredAt,
    orderId: ref.orderId,
    userId: ref.userId,
    symbol: ref.symbol,
    side: ref.side,
    type: ref.type,
    quantity: ref.quantity,
    limitPrice: ref.limitPrice,
    status: s.status,
    cumQty: s.cumQty,
    avgPx: s.avgPx,
  };
  const event = (topic: OrderTopic, extra: OutboxEvent['payload'] = {}): OutboxEvent => ({
    topic,
    key: ref.orderId,
    payload: { ...base, ...extra },
  });
  const events: OutboxEvent[] = [];
  if (report.kind === 'fill') {
    events.push(
      event(ORDER_TOPICS.filled, {
        execId: report.execId,
        fillQty: report.quantity,
        fillPrice: report.price,
        leavesQty: s.leavesQty,
      }),
    );
  }
  const to = result.transition?.to;
  if (to === 'New' && result.transition?.from === 'PendingNew')
    events.push(event(ORDER_TOPICS.accepted));
  if (to === 'Canceled')
    events.push(
      event(ORDER_TOPICS.canceled, {
        releasedQty: releasedQty(ref.quantity, s.cumQty),
        reason: s.reason,
      }),
    );
  if (to === 'Rejected')
    events.push(event(ORDER_TOPICS.rejected, { releasedQty: ref.quantity, reason: s.reason }));
  if (to === 'Expired')
    events.push(event(ORDER_TOPICS.expired, { releasedQty: releasedQty(ref.quantity, s.cumQty) }));
  return events;
}

/** The audit entry for a status change (strings only, so the hash survives jsonb). */
export function orderAuditEntry(
  ref: OrderRef,
  transition: { readonly from: OrderStatus | null; readonly to: OrderStatus },
  at: string,
  detail: {
    readonly execId?: string;
    readonly reason?: string | null;
    readonly actor?: string;
  } = {},
): AuditEntry {
  return {
    at,
    orderId: ref.orderId,
    userId: ref.userId,
    from: transition.from,
    to: transition.to,
    ...(detail.execId === undefined ? {} : { execId: detail.execId }),
    ...(detail.reason === undefined || detail.reason === null ? {} : { reason: detail.reason }),
    ...(detail.actor === undefined ? {} : { actor: detail.actor }),
  };
}

function releasedQty(quantity: string, cumQty: string): string {
  return formatDecimal(dec(quantity).minus(cumQty));
}
