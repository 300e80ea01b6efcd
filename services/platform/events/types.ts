import type { EventTopic, ServiceName } from '../../catalog.js';

/**
 * One platform event as it travels on the bus. `id` is the producer's outbox row id: it is
 * stable across republishing, so consumers (and the bus) can recognise a redelivery.
 */
export interface EventEnvelope<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly topic: EventTopic;
  /** Ordering/partition key chosen by the producer (e.g. the order id). */
  readonly key: string | null;
  readonly source: ServiceName;
  /** When the producer committed the state change (the outbox row's created_at). */
  readonly occurredAt: string;
  readonly payload: P;
}

/** Handles one delivery; throwing makes the bus retry it (and dead-letter it after N tries). */
export type EventHandler = (event: EventEnvelope) => Promise<void>;

/**
 * Handles several deliveries of one queue at once, all or nothing. When it throws, the bus
 * hands the same deliveries to the per-event handler one by one, so a bad event fails alone.
 */
export type BatchEventHandler = (events: readonly EventEnvelope[]) => Promise<void>;

/**
 * The bus boundary: pg-boss is the first implementation; NATS JetStream or Kafka would plug in
 * behind the same four calls. Delivery is at least once; effects are made once by consumers.
 */
export interface EventBus {
  start(): Promise<void>;
  /** Delivers every event to every consumer of its topic; resolves only once all are stored. */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  /** Starts consuming `topic` as this service (one queue per consumer service and topic). */
  subscribe(
    topic: EventTopic,
    handler: EventHandler,
    options?: { readonly batch?: BatchEventHandler },
  ): Promise<void>;
  /** Resolves when the bus is usable (readiness). */
  check(): Promise<void>;
  stop(): Promise<void>;
}
