/** The event pipeline: transactional outbox, relay, bus adapter, once-only consumers. */
export { batchJobId, eventsOfJob, EVENTS_IN_JOB_SQL, type EventBatch } from './batch.js';
export { applyAllOnce, applyOnce, type InboxResult } from './inbox.js';
export {
  enqueue,
  inTransactionNotingEvents,
  needsRelay,
  queueAll,
  wroteEvents,
  type OutboxMessage,
  type TxClient,
} from './outbox.js';
export {
  createPgBossBus,
  deadLetterQueueName,
  queueName,
  type PgBossBusOptions,
} from './pg-boss-bus.js';
export {
  eventsPlugin,
  type EventConsumer,
  type EventEffect,
  type Events,
  type EventsPluginOptions,
} from './plugin.js';
export { createRelay, type Relay, type RelayMetrics, type RelayOptions } from './relay.js';
export type { BatchEventHandler, EventBus, EventEnvelope, EventHandler } from './types.js';
export {
  DEFAULT_RETENTION,
  pruneEventTables,
  type PruneResult,
  type Retention,
} from './housekeeping.js';
