import { createHash } from 'node:crypto';
import type { EventEnvelope } from './types.js';

/**
 * What one delivery (a pg-boss job) carries: the events of one relay batch for one consumer
 * queue, in outbox order. A job per event cost each consumer a row inserted, updated when
 * fetched and deleted when applied, with their index entries: with two consumers of
 * OrderFilled, ~20 of an order's ~115 WAL records (benchmarks/README.md, twenty-second
 * session). A batch pays that once for every order its relay cycle took.
 */
export interface EventBatch {
  readonly events: readonly EventEnvelope[];
}

/** A job's events: a batch, or a single event (as jobs queued by earlier versions carry). */
export function eventsOfJob(data: EventBatch | EventEnvelope): readonly EventEnvelope[] {
  return 'events' in data && Array.isArray(data.events) ? data.events : [data as EventEnvelope];
}

/** SQL: how many events a `pgboss.job` row carries (for counts of deliveries in events). */
export const EVENTS_IN_JOB_SQL =
  "CASE WHEN jsonb_typeof(data->'events') = 'array' THEN jsonb_array_length(data->'events') ELSE 1 END";

/**
 * The job id of a batch: its event's own id when it carries one, else a UUID derived from its
 * events' ids. Either way a batch the relay publishes again (it died before marking it) finds
 * its job still queued and is not queued twice; a republished event in a batch of another
 * make-up is queued again, and its consumer's processed_events make it a duplicate.
 */
export function batchJobId(events: readonly EventEnvelope[]): string {
  if (events.length === 1) return events[0]!.id;
  const h = createHash('sha256');
  for (const e of events) h.update(e.id).update(',');
  const b = h.digest().subarray(0, 16);
  // RFC 9562 version 8 (custom): the bits are ours, the layout a UUID's.
  b[6] = 0x80 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const x = b.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
