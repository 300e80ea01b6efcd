import type pg from 'pg';
import { inTransaction, Transaction, type Tx, type WriteTx } from '../transaction.js';
import { consumersOf, type EventTopic } from '../../catalog.js';
import { uuidv7 } from '../ids.js';

/** A client inside the producer's transaction (the outbox row commits with the state change). */
export type TxClient = Tx;

export interface OutboxMessage {
  readonly topic: EventTopic;
  readonly key: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Transactions that wrote at least one outbox row for the relay. Only `Transaction` objects
 * are marked: one lives for one `inTransaction`, whereas a pooled client outlives its
 * transaction and would stay marked for the next one.
 */
const withEvents = new WeakSet<Transaction>();

function mark(client: TxClient): void {
  if (client instanceof Transaction) withEvents.add(client);
}

/**
 * Whether `tx` wrote an event the relay has to publish: after its commit, the relay is worth
 * a nudge; otherwise waking it would only cost a transaction that finds nothing.
 */
export function wroteEvents(tx: Transaction): boolean {
  return withEvents.has(tx);
}

/**
 * `work` in a transaction of its own (inTransaction), then `onEvents()` once that transaction
 * has committed, if it wrote an event the relay has to publish (wroteEvents): the call a
 * producer nudges its relay from, never before the rows are visible nor for nothing.
 */
export async function inTransactionNotingEvents<T>(
  pool: pg.Pool,
  work: (tx: Transaction) => Promise<T>,
  onEvents: () => void,
): Promise<T> {
  let wrote = false;
  const result = await inTransaction(pool, async (tx) => {
    const r = await work(tx);
    wrote = wroteEvents(tx);
    return r;
  });
  if (wrote) onEvents();
  return result;
}

/**
 * Whether the relay has anything to do with an event of `topic`. An event no service consumes
 * (OrderAccepted, RiskLimitBreached today) is still written, in the same transaction as its
 * state change, but already published: relaying it would insert no job on the bus (the bus
 * queues one job per consumer in the catalog, as here), and marking it published later would
 * cost every such event an UPDATE of its row and an entry in the unpublished index.
 * A topic that gains a consumer is relayed from the next write on, which is what the bus would
 * do with an event relayed before that consumer existed.
 */
export function needsRelay(topic: EventTopic): boolean {
  return consumersOf(topic).length > 0;
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
  const relayed = needsRelay(message.topic);
  if (relayed) mark(client);
  const id = uuidv7();
  await client.query(
    `INSERT INTO outbox (id, topic, key, payload, published_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::boolean THEN NULL ELSE now() END)`,
    [id, message.topic, message.key, JSON.stringify(message.payload), relayed],
  );
  return id;
}

const INSERT_MANY = `INSERT INTO outbox (id, topic, key, payload, published_at)
  SELECT id, topic, key, payload, CASE WHEN relayed THEN NULL ELSE now() END
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::boolean[])
      AS m(id, topic, key, payload, relayed)`;

/**
 * Several events in one statement that rides with the transaction's next round trip (usually
 * its COMMIT) instead of costing one of its own; a failure fails the transaction.
 */
export function queueAll(tx: WriteTx, messages: readonly OutboxMessage[]): void {
  if (messages.length === 0) return;
  const relayed = messages.map((m) => needsRelay(m.topic));
  if (relayed.includes(true)) mark(tx);
  tx.queue(INSERT_MANY, [
    messages.map(() => uuidv7()),
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => JSON.stringify(m.payload)),
    relayed,
  ]);
}
