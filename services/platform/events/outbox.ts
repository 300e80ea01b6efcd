import { Transaction, type Tx, type WriteTx } from '../transaction.js';
import type { EventTopic } from '../../catalog.js';

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

/**
 * Writes an event to the outbox with the caller's client, so it is committed (or rolled back)
 * together with the state change it describes. Returns the event id.
 */
export async function enqueue(client: TxClient, message: OutboxMessage): Promise<string> {
  mark(client);
  const { rows } = await client.query<{ id: string }>(
    'INSERT INTO outbox (topic, key, payload) VALUES ($1, $2, $3) RETURNING id',
    [message.topic, message.key, JSON.stringify(message.payload)],
  );
  return rows[0]!.id;
}

const INSERT_MANY = `INSERT INTO outbox (topic, key, payload)
  SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`;

/**
 * Several events in one statement that rides with the transaction's next round trip (usually
 * its COMMIT) instead of costing one of its own; a failure fails the transaction.
 */
export function queueAll(tx: WriteTx, messages: readonly OutboxMessage[]): void {
  if (messages.length === 0) return;
  mark(tx);
  tx.queue(INSERT_MANY, [
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => JSON.stringify(m.payload)),
  ]);
}
