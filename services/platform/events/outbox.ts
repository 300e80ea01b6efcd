import { Transaction, type Tx, type WriteTx } from '../transaction.js';
import type { EventTopic } from '../../catalog.js';
import { uuidv7 } from '../ids.js';

/** A client inside the producer's transaction (the outbox row commits with the state change). */
export type TxClient = Tx;

export interface OutboxMessage {
  readonly topic: EventTopic;
  readonly key: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Transactions that wrote at least one outbox row. Only `Transaction` objects are marked: one
 * lives for one `inTransaction`, whereas a pooled client outlives its transaction and would
 * stay marked for the next one.
 */
const withEvents = new WeakSet<Transaction>();

function mark(client: TxClient): void {
  if (client instanceof Transaction) withEvents.add(client);
}

/**
 * Whether `tx` wrote an event to the outbox: after its commit, the relay is worth a nudge;
 * otherwise waking it would only cost a transaction that finds nothing.
 */
export function wroteEvents(tx: Transaction): boolean {
  return withEvents.has(tx);
}

/*
 * Event ids are UUIDv7 (ids.ts), made here rather than by the column's random default: the
 * outbox's primary key, the bus's job tables and every consumer's processed-event ids then
 * grow at their right edge instead of at random leaves.
 */

/**
 * Writes an event to the outbox with the caller's client, so it is committed (or rolled back)
 * together with the state change it describes. Returns the event id.
 */
export async function enqueue(client: TxClient, message: OutboxMessage): Promise<string> {
  mark(client);
  const id = uuidv7();
  await client.query('INSERT INTO outbox (id, topic, key, payload) VALUES ($1, $2, $3, $4)', [
    id,
    message.topic,
    message.key,
    JSON.stringify(message.payload),
  ]);
  return id;
}

const INSERT_MANY = `INSERT INTO outbox (id, topic, key, payload)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])`;

/**
 * Several events in one statement that rides with the transaction's next round trip (usually
 * its COMMIT) instead of costing one of its own; a failure fails the transaction.
 */
export function queueAll(tx: WriteTx, messages: readonly OutboxMessage[]): void {
  if (messages.length === 0) return;
  mark(tx);
  tx.queue(INSERT_MANY, [
    messages.map(() => uuidv7()),
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => JSON.stringify(m.payload)),
  ]);
}
