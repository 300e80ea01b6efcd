import type { EventConsumer, EventEffect } from '../../platform/events/index.js';
import type { EventTopic } from '../../catalog.js';
import type { RiskLimits } from '../domain/limits.js';
import {
  applyOrderClosed,
  applyOrderFilled,
  type OrderClosedPayload,
  type OrderFilledPayload,
} from '../store/apply-order-events.js';

const SIDES = new Set(['buy', 'sell']);

function text(payload: Record<string, unknown>, key: string, topic: string): string {
  const v = payload[key];
  // Thrown, so the bus retries and finally dead-letters it: never silently dropped.
  if (typeof v !== 'string' || v.length === 0) throw new Error(`${topic} without ${key}`);
  return v;
}

function filledPayload(p: Record<string, unknown>): OrderFilledPayload {
  const side = text(p, 'side', 'OrderFilled');
  if (!SIDES.has(side)) throw new Error(`OrderFilled with side ${side}`);
  return {
    orderId: text(p, 'orderId', 'OrderFilled'),
    userId: text(p, 'userId', 'OrderFilled'),
    symbol: text(p, 'symbol', 'OrderFilled'),
    side: side as OrderFilledPayload['side'],
    execId: text(p, 'execId', 'OrderFilled'),
    fillQty: text(p, 'fillQty', 'OrderFilled'),
    fillPrice: text(p, 'fillPrice', 'OrderFilled'),
  };
}

function closedPayload(p: Record<string, unknown>, topic: string): OrderClosedPayload {
  return { orderId: text(p, 'orderId', topic), userId: text(p, 'userId', topic) };
}

/** Every effect locks the user's limits row first, as the pre-trade check does. */
const byUser = (event: { payload: Record<string, unknown> }) => String(event.payload.userId ?? '');

/**
 * Risk's effects for the order events it consumes (catalog `consumes`), run by the event
 * pipeline inside the transaction that records the event id: fills move reservations into
 * positions (and realised P&L into the day of the fill); an order that ends releases what
 * it still had reserved. Batches lock users in id order, like the checks' batches.
 */
export function orderEventHandlers(
  defaults: RiskLimits,
): Partial<Record<EventTopic, EventConsumer>> {
  const closed: EventEffect = async (client, event) => {
    await applyOrderClosed(client, closedPayload(event.payload, event.topic), defaults);
  };
  const filled: EventEffect = async (client, event) => {
    await applyOrderFilled(
      client,
      filledPayload(event.payload),
      defaults,
      Date.parse(event.occurredAt),
    );
  };
  return {
    OrderFilled: { apply: filled, lockKey: byUser },
    OrderCanceled: { apply: closed, lockKey: byUser },
    OrderRejected: { apply: closed, lockKey: byUser },
    OrderExpired: { apply: closed, lockKey: byUser },
  };
}
