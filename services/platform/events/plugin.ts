import fp from 'fastify-plugin';
import { Transaction, type WriteTx } from '../transaction.js';
import { catalog, type EventTopic, type ServiceName } from '../../catalog.js';
import { applyAllOnce, applyOnce } from './inbox.js';
import { wroteEvents } from './outbox.js';
import { pruneEventTables, type PruneResult, type Retention } from './housekeeping.js';
import { createPgBossBus } from './pg-boss-bus.js';
import { createRelay, type Relay } from './relay.js';
import type { EventBus, EventEnvelope } from './types.js';

/** At most this many events' effects share one consumer transaction (see subscribe below). */
export const EFFECTS_PER_TRANSACTION = 8;

/** A consumer's effect, run inside the transaction that records the event as processed. */
export type EventEffect = (tx: WriteTx, event: EventEnvelope) => Promise<void>;

/**
 * A consumer with a set-based effect as well: `applyAll` applies several fresh events of one
 * topic at once, in delivery order, all or nothing, locking its rows in a fixed order (risk:
 * users ascending), so a batch of any size costs a couple of round trips and never deadlocks
 * with the service's own batches. `apply` serves single deliveries and the one-by-one fallback.
 */
export interface EventConsumer {
  readonly apply: EventEffect;
  readonly applyAll: (tx: WriteTx, events: readonly EventEnvelope[]) => Promise<void>;
}

export interface EventsPluginOptions {
  /** One effect per topic the catalog says this service consumes (exactly those). */
  readonly handlers?: Partial<Record<EventTopic, EventEffect | EventConsumer>>;
  /** The bus (default: pg-boss on BUS_DATABASE_URL). Tests may pass their own. */
  readonly bus?: EventBus;
  readonly relay?: { readonly batchSize?: number; readonly idleMs?: number };
  /** Pruning of published outbox rows and old processed event ids (see housekeeping.ts). */
  readonly housekeeping?: {
    readonly firstAfterMs?: number;
    readonly intervalMs?: number;
    readonly retention?: Retention;
  };
}

export interface Events {
  readonly bus: EventBus;
  /** The outbox relay, when this service publishes. */
  readonly relay: Relay | null;
  /** Publish soon: call after committing a transaction that enqueued events. */
  nudge(): void;
  /** Prunes the event tables now (it also runs on a timer: first after a minute, then hourly). */
  prune(): Promise<PruneResult>;
}

declare module 'fastify' {
  interface FastifyInstance {
    events: Events;
  }
}

/**
 * Starts what the catalog says this service does with events: the outbox relay when it
 * publishes, one consumer per consumed topic (effects applied once, via processed_events),
 * metrics (relay lag, published, consumed, dead-lettered) and a `bus` readiness check.
 * Everything stops on close, before the pg pool does.
 */
export const eventsPlugin = fp<EventsPluginOptions>(
  async (app, opts) => {
    const service = app.config.SERVICE_NAME as ServiceName;
    const spec = catalog[service];
    const consumes = spec.consumes ?? [];
    const handlers = opts.handlers ?? {};
    const missing = consumes.filter((t) => !handlers[t]);
    const extra = Object.keys(handlers).filter((t) => !consumes.includes(t as EventTopic));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `${service}: event handlers must match the catalog (missing: [${missing.join(', ')}], not consumed: [${extra.join(', ')}])`,
      );
    }

    const m = app.metrics;
    const published = m.counter('events_published_total', 'Events relayed to the bus', ['topic']);
    const consumed = m.counter('events_consumed_total', 'Events consumed', ['topic', 'result']);
    const dead = m.counter('events_dead_lettered_total', 'Events dead-lettered', ['topic']);
    const relayFailures = m.counter('events_relay_failures_total', 'Failed relay batches');
    const lag = m.gauge('events_relay_lag_seconds', 'Age of the oldest unpublished outbox row');
    const pruned = m.counter(
      'events_pruned_total',
      'Rows deleted from the event tables after their retention',
      ['table'],
    );

    let bus = opts.bus;
    if (!bus) {
      const url = app.config.BUS_DATABASE_URL;
      if (!url) throw new Error(`${service} needs BUS_DATABASE_URL`);
      bus = createPgBossBus({
        connectionString: url,
        service,
        onDeadLetter: (topic, event, err) => {
          dead.inc({ topic });
          app.log.error({ err, topic, eventId: event.id }, 'event dead-lettered');
        },
        onError: (err) => app.log.warn({ err }, 'event bus error'),
      });
    }
    await bus.start();

    const relay =
      (spec.publishes?.length ?? 0) > 0
        ? createRelay({
            pool: app.pg,
            bus,
            source: service,
            ...opts.relay,
            metrics: {
              published: (topic, n) => published.inc({ topic }, n),
              failed: () => relayFailures.inc(),
              lag: (s) => lag.set(s),
            },
            onError: (err) => app.log.warn({ err }, 'outbox relay batch failed'),
          })
        : null;

    // Housekeeping: the outbox and the inbox would otherwise grow by every event for ever.
    const tables = { outbox: relay !== null, processedEvents: consumes.length > 0 };
    const prune = async (): Promise<PruneResult> => {
      const r = await pruneEventTables(app.pg, tables, opts.housekeeping?.retention);
      pruned.inc({ table: 'outbox' }, r.outbox);
      pruned.inc({ table: 'processed_events' }, r.processedEvents);
      if (r.outbox + r.processedEvents > 0) app.log.info(r, 'pruned old event rows');
      return r;
    };
    let sweeping: Promise<unknown> = Promise.resolve();
    const sweep = () => {
      sweeping = prune().catch((err: unknown) =>
        app.log.warn({ err }, 'event housekeeping failed; retried next time'),
      );
    };

    app.decorate('events', {
      bus,
      relay,
      nudge: () => relay?.nudge(),
      prune,
    } satisfies Events);

    const b = bus;
    app.addHook('onClose', async () => {
      await relay?.stop();
      await b.stop();
    });
    app.health.addCheck('bus', () => b.check());

    for (const topic of consumes) {
      const handler = handlers[topic]!;
      const apply = typeof handler === 'function' ? handler : handler.apply;
      const applyAll = typeof handler === 'function' ? undefined : handler.applyAll;
      // An effect that writes events of its own (trading turns ExecutionReported into
      // OrderFilled) nudges the relay once its transaction has committed, as requests do.
      let wrote = false;
      const noteEvents = (tx: WriteTx) => {
        if (tx instanceof Transaction && wroteEvents(tx)) wrote = true;
      };
      const effect: EventEffect = async (tx, event) => {
        await apply(tx, event);
        noteEvents(tx);
      };
      const effectAll =
        applyAll &&
        (async (tx: WriteTx, events: readonly EventEnvelope[]) => {
          await applyAll(tx, events);
          noteEvents(tx);
        });
      const nudgeIfWrote = () => {
        if (wrote) relay?.nudge();
        wrote = false;
      };
      // A set-based effect takes a whole fetch in a couple of round trips. Effects applied one
      // by one go in chunks instead: an effect may lock a row the service's requests need, and
      // a long transaction would make them wait.
      const perTransaction = effectAll ? Number.POSITIVE_INFINITY : EFFECTS_PER_TRANSACTION;
      await bus.subscribe(
        topic,
        async (event) => {
          const result = await applyOnce(app.pg, service, event.id, (client) =>
            effect(client, event),
          );
          nudgeIfWrote();
          consumed.inc({ topic, result });
        },
        {
          batch: async (events) => {
            // A failed chunk fails the batch; the bus then goes one by one, and what
            // committed already counts as a duplicate.
            for (let i = 0; i < events.length; i += perTransaction) {
              const chunk = events.slice(i, i + perTransaction);
              const r = await applyAllOnce(app.pg, service, chunk, effect, effectAll);
              nudgeIfWrote();
              consumed.inc({ topic, result: 'applied' }, r.applied);
              consumed.inc({ topic, result: 'duplicate' }, r.duplicate);
            }
          },
        },
      );
    }
    relay?.start();

    const first = setTimeout(sweep, opts.housekeeping?.firstAfterMs ?? 60_000);
    const every = setInterval(sweep, opts.housekeeping?.intervalMs ?? 60 * 60_000);
    first.unref();
    every.unref();
    app.addHook('onClose', async () => {
      clearTimeout(first);
      clearInterval(every);
      await sweeping;
    });
  },
  {
    name: 'alphintra-events',
    fastify: '5.x',
    dependencies: [
      'alphintra-config',
      'alphintra-postgres',
      'alphintra-metrics',
      'alphintra-health',
    ],
  },
);
