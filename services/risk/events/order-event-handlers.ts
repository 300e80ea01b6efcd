import type { EventConsumer, EventEnvelope } from '../../platform/events/index.js';
import type { WriteTx } from '../../platform/transaction.js';
import type { EventTopic } from '../../catalog.js';
import type { RiskLimits } from '../domain/limits.js';
import {
  applyOrderCloses,
  applyOrderFills,
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

/**
 * Risk's effects for the order events it consumes (catalog `consumes`), run by the event
 * pipeline inside the transaction that records the event ids: fills move reservations into
 * positions (and realised P&L into the day of the fill); an order that ends releases what
 * it still had reserved. Each is set-based (a fetched batch in two round trips, users locked
 * in id order like the checks' batches); a single delivery is a batch of one.
 */
export function orderEventHandlers(
  defaults: RiskLimits,
): Partial<Record<EventTopic, EventConsumer>> {
  const fills = async (tx: WriteTx, events: readonly EventEnvelope[]) => {
    await applyOrderFills(
      tx,
      events.map((e) => ({ ...filledPayload(e.payload), atMs: Date.parse(e.occurredAt) })),
      defaults,
    );
  };
  const closes = async (tx: WriteTx, events: readonly EventEnvelope[]) => {
    await applyOrderCloses(
      tx,
      events.map((e) => closedPayload(e.payload, e.topic)),
      defaults,
    );
  };
  const consumer = (applyAll: EventConsumer['applyAll']): EventConsumer => ({
    apply: (tx, event) => applyAll(tx, [event]),
    applyAll,
  });
  return {
    OrderFilled: consumer(fills),
    OrderCanceled: consumer(closes),
    OrderRejected: consumer(closes),
    OrderExpired: consumer(closes),
  };
}
