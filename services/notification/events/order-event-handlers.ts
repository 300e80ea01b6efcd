import type { EventConsumer, EventEnvelope } from '../../platform/events/index.js';
import type { WriteTx } from '../../platform/transaction.js';
import type { EventTopic } from '../../catalog.js';
import { entryFromEvent, INBOX_TOPICS } from '../domain/inbox-entry.js';
import { insertEntries } from '../store/inbox-store.js';

/**
 * The inbox's effects for the order events it consumes (catalog `consumes`), run by the event
 * pipeline inside the transaction that records the event ids: one entry per event for the
 * order's owner, a fetched batch in one statement. A malformed event throws, fails its batch,
 * and then fails alone (the bus retries it, then dead-letters it).
 */
export function orderEventHandlers(): Partial<Record<EventTopic, EventConsumer>> {
  const applyAll = async (tx: WriteTx, events: readonly EventEnvelope[]) => {
    await insertEntries(tx, events.map(entryFromEvent));
  };
  const consumer: EventConsumer = { apply: (tx, event) => applyAll(tx, [event]), applyAll };
  return Object.fromEntries(INBOX_TOPICS.map((t) => [t, consumer]));
}
