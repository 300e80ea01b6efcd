import { dec, formatDecimal } from '../../platform/decimal.js';

/** The platform events the inbox is filled from (the catalog's `consumes` of notification). */
export const INBOX_TOPICS = ['OrderFilled', 'OrderCanceled', 'OrderRejected'] as const;
export type InboxTopic = (typeof INBOX_TOPICS)[number];

/** Entry types as stored and served (the inbox table's CHECK allows this shape). */
export const ENTRY_TYPES: Readonly<Record<InboxTopic, string>> = {
  OrderFilled: 'order.filled',
  OrderCanceled: 'order.canceled',
  OrderRejected: 'order.rejected',
};

/** What one event writes into the inbox: whose entry, of which type, saying what. */
export interface NewEntry {
  readonly userId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: Readonly<Record<string, string | null>>;
}

/** The event as the consumer sees it (an EventEnvelope, without the bus's types). */
export interface InboxEvent {
  readonly id: string;
  readonly topic: string;
  readonly occurredAt: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?[0-9]{1,40}(\.[0-9]{1,40})?$/;
const SIDES = new Set(['buy', 'sell']);

/*
 * A malformed payload throws: the bus retries it and finally dead-letters it, so it is never
 * dropped without a trace (as risk and user do with theirs).
 */
function text(p: Readonly<Record<string, unknown>>, key: string, topic: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) {
    throw new Error(`${topic} without ${key}`);
  }
  return v;
}

function optionalText(p: Readonly<Record<string, unknown>>, key: string): string | null {
  const v = p[key];
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
}

/** A decimal string in canonical form ("1.50" -> "1.5"): the platform's wire format. */
function decimal(p: Readonly<Record<string, unknown>>, key: string, topic: string): string {
  const v = text(p, key, topic);
  if (!DECIMAL.test(v)) throw new Error(`${topic} with a ${key} that is not a decimal`);
  return formatDecimal(dec(v));
}

/**
 * The inbox entry an order event makes for the order's owner. Quantities and prices stay
 * decimal strings end to end. A fill says what filled (`quantity` at `price`, this fill's
 * figures) and where the order stands; a cancel or reject says what was left and why.
 */
export function entryFromEvent(event: InboxEvent): NewEntry {
  const topic = event.topic as InboxTopic;
  const type = ENTRY_TYPES[topic];
  if (!(INBOX_TOPICS as readonly string[]).includes(event.topic) || !type) {
    throw new Error(`the inbox does not take ${event.topic}`);
  }
  const p = event.payload;
  const userId = text(p, 'userId', topic);
  if (!UUID.test(userId)) throw new Error(`${topic} without a uuid userId`);
  const side = text(p, 'side', topic);
  if (!SIDES.has(side)) throw new Error(`${topic} with side ${side}`);
  const common = {
    orderId: text(p, 'orderId', topic),
    symbol: text(p, 'symbol', topic),
    side,
    status: text(p, 'status', topic),
    occurredAt: event.occurredAt,
  };
  let data: Record<string, string | null>;
  if (topic === 'OrderFilled') {
    data = {
      ...common,
      quantity: decimal(p, 'fillQty', topic),
      price: decimal(p, 'fillPrice', topic),
      orderQuantity: decimal(p, 'quantity', topic),
      cumQty: decimal(p, 'cumQty', topic),
      leavesQty: decimal(p, 'leavesQty', topic),
    };
  } else {
    data = {
      ...common,
      quantity: decimal(p, 'quantity', topic),
      cumQty: decimal(p, 'cumQty', topic),
      releasedQty: decimal(p, 'releasedQty', topic),
      reason: optionalText(p, 'reason'),
    };
  }
  return { userId: userId.toLowerCase(), eventId: event.id, type, data };
}
