import pg from 'pg';
import PgBoss from 'pg-boss';
import {
  consumersOf as catalogConsumersOf,
  type EventTopic,
  type ServiceName,
} from '../../catalog.js';
import { createPreparedDb } from './prepared-db.js';
import { batchJobId, eventsOfJob, type EventBatch } from './batch.js';
import { createQueueVacuum } from './queue-vacuum.js';
import type { EventBus, EventEnvelope, EventHandler } from './types.js';

export interface PgBossBusOptions {
  /** The bus database (BUS_DATABASE_URL), shared by every service that publishes or consumes. */
  readonly connectionString: string;
  /** This service: it consumes as `<service>.<topic>` queues. */
  readonly service: ServiceName;
  /** Who consumes a topic (default: the catalog's `consumes`). */
  readonly consumersOf?: (topic: EventTopic) => readonly ServiceName[];
  /** Deliveries after the first before an event goes to the dead-letter queue. */
  readonly retryLimit?: number;
  /** First retry delay in seconds; doubled each retry. */
  readonly retryDelaySeconds?: number;
  /** A delivery still active after this long (its consumer died) is retried. */
  readonly expireInSeconds?: number;
  readonly pollingIntervalSeconds?: number;
  /** Jobs (each a batch of events) fetched at once per consumer queue, applied in order. */
  readonly batchSize?: number;
  /** How often expired deliveries are noticed and retried. */
  readonly maintenanceIntervalSeconds?: number;
  /**
   * Completed jobs leave the job table for the archive after this long. Delivered events are
   * deleted at once instead (see acknowledge), so this applies only to jobs completed when
   * that delete failed.
   */
  readonly archiveCompletedAfterSeconds?: number;
  readonly poolMax?: number;
  /** Deliveries finished on one of this service's queues before it vacuums that queue's table. */
  readonly vacuumMinDeliveries?: number;
  /** How often those counts are looked at. */
  readonly vacuumEveryMs?: number;
  /** Called once for a delivery that failed its last attempt (it is now dead-lettered). */
  readonly onDeadLetter?: (topic: EventTopic, event: EventEnvelope, err: unknown) => void;
  readonly onError?: (err: Error) => void;
}

/**
 * pg-boss creates a queue as a table attached to its job table with a foreign key to its queue
 * table. Two processes creating different queues at once (services starting together) can
 * deadlock on those locks, and PostgreSQL then aborts one of them (40P01) after
 * deadlock_timeout. Creation is idempotent, so the aborted one simply tries again.
 */
export async function retryOnDeadlock<T>(create: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 100 * attempt));
    }
  }
}

/** The advisory lock every process takes around queue creation in the bus database. */
const CREATE_QUEUE_LOCK = "hashtext('alphintra.bus.create-queue')";

/**
 * Runs `create` while holding a session advisory lock in the bus database, on a connection of
 * its own: queue creations of all processes then run one at a time. Retrying a deadlock alone
 * was not enough: four processes creating sixteen queues together could deadlock on all eight
 * attempts (seen in a full test run on a loaded machine).
 */
export async function withQueueCreationLock<T>(
  connectionString: string,
  create: () => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'alphintra-bus-queues' });
  // A connection lost while waiting rejects the query in flight; the event must not crash us.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${CREATE_QUEUE_LOCK})`);
    return await retryOnDeadlock(create);
  } finally {
    // Ending the session releases the lock even if the unlock is never answered.
    await client.end().catch(() => {});
  }
}

/** The queue of one consumer service for one topic; its dead letters go to `<queue>.dead`. */
export function queueName(consumer: ServiceName, topic: EventTopic): string {
  return `${consumer}.${topic}`;
}

export function deadLetterQueueName(consumer: ServiceName, topic: EventTopic): string {
  return `${queueName(consumer, topic)}.dead`;
}

/**
 * The event bus on pg-boss 10 in its own database. Fan-out is one queue per consuming service
 * and topic, taken from the catalog, and the producer sends to each queue itself:
 * pg-boss's own publish/subscribe would lose events published before a consumer first
 * subscribed, and its publish swallows per-queue failures (Promise.allSettled), which would
 * let the relay mark an event published that one consumer never got. Each publish queues one
 * job per consumer queue, carrying all its events (`EventBatch`).
 */
export function createPgBossBus(opts: PgBossBusOptions): EventBus {
  const consumersOf = opts.consumersOf ?? catalogConsumersOf;
  const db = createPreparedDb({
    connectionString: opts.connectionString,
    applicationName: `${opts.service}-bus`,
    max: opts.poolMax ?? 4,
    onError: (err) => opts.onError?.(err),
  });
  const boss = new PgBoss({
    db,
    schedule: false,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 5,
    // pg-boss keeps completed jobs in its job table for 12 hours by default, and every
    // maintenance pass (every 5 s here) scans that table twice: with 60,000 orders behind it,
    // a pass took ~230 ms, growing with every order. Delivered events are deleted at once
    // (acknowledge below); a job completed because that delete failed leaves after a minute.
    archiveCompletedAfterSeconds: opts.archiveCompletedAfterSeconds ?? 60,
    deleteAfterDays: 1,
  });
  boss.on('error', (err) => opts.onError?.(err));
  const vacuum = createQueueVacuum({
    db,
    ...(opts.vacuumMinDeliveries !== undefined && { minDeliveries: opts.vacuumMinDeliveries }),
    ...(opts.vacuumEveryMs !== undefined && { everyMs: opts.vacuumEveryMs }),
    ...(opts.onError && { onError: opts.onError }),
  });
  const ready = new Map<string, Promise<void>>();

  function ensureQueue(consumer: ServiceName, topic: EventTopic): Promise<void> {
    const name = queueName(consumer, topic);
    let p = ready.get(name);
    if (!p) {
      const dead = deadLetterQueueName(consumer, topic);
      p = (async () => {
        // Most starts find their queues made by an earlier run: a read, and no lock at all.
        if ((await boss.getQueue(dead)) && (await boss.getQueue(name))) return;
        await withQueueCreationLock(opts.connectionString, async () => {
          await boss.createQueue(dead);
          await boss.createQueue(name, {
            name,
            retryLimit: opts.retryLimit ?? 8,
            retryDelay: opts.retryDelaySeconds ?? 1,
            retryBackoff: true,
            expireInSeconds: opts.expireInSeconds ?? 15,
            deadLetter: dead,
          });
        });
      })();
      // A failed creation is retried by the next caller instead of being cached.
      p.catch(() => ready.delete(name));
      ready.set(name, p);
    }
    return p;
  }

  /**
   * A delivery that was applied is deleted, in one statement per fetch. Completing it instead
   * (pg-boss's default when the handler returns) writes the whole row again, with a new entry
   * in the table's key, and a maintenance pass later moves it to the archive: a delete, an
   * insert and two index entries more. That was ~1 kB of the ~17 kB of WAL an order writes
   * (benchmarks/README.md, fifteenth session). The consumer's processed_events already record
   * what was applied and when (kept 30 days, housekeeping.ts), so the archive's copy told
   * nobody anything. If the delete fails, pg-boss completes the jobs as before (its complete
   * after the handler finds nothing left to do when the delete went through).
   */
  async function acknowledge(queue: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await boss.deleteJob(queue, [...ids]).catch((err: unknown) =>
      opts.onError?.(
        Object.assign(new Error(`${queue}: could not delete delivered jobs; completing them`), {
          cause: err,
        }),
      ),
    );
  }

  return {
    async start() {
      await boss.start();
    },

    async publish(events) {
      const perQueue = new Map<string, EventEnvelope[]>();
      for (const event of events) {
        for (const consumer of consumersOf(event.topic)) {
          await ensureQueue(consumer, event.topic);
          const name = queueName(consumer, event.topic);
          let batch = perQueue.get(name);
          if (!batch) perQueue.set(name, (batch = []));
          batch.push(event);
        }
      }
      const jobs: PgBoss.JobInsert<EventBatch>[] = [...perQueue].map(([name, batch]) => ({
        id: batchJobId(batch),
        name,
        data: { events: batch },
      }));
      // One statement: every consumer's copy is stored, or none is and the relay retries.
      if (jobs.length > 0) await boss.insert(jobs);
    },

    async subscribe(topic, handler: EventHandler, options) {
      await ensureQueue(opts.service, topic);
      const name = queueName(opts.service, topic);
      const batchSize = opts.batchSize ?? 50;
      // Set once work() answers; a batch fetched before that simply waits its interval.
      const worker: { id?: string } = {};
      /**
       * Applies the jobs' events in queue order, one by one; answers the ids of the jobs whose
       * events were all applied. A failing event fails its job alone (retried, then
       * dead-lettered); the rest go on, and a retry finds the job's applied events duplicates.
       */
      const oneByOne = async (jobs: readonly PgBoss.JobWithMetadata<EventBatch>[]) => {
        const applied: string[] = [];
        for (const job of jobs) {
          const failed: { event: EventEnvelope; err: unknown }[] = [];
          for (const event of eventsOfJob(job.data)) {
            try {
              await handler(event);
            } catch (err) {
              failed.push({ event, err });
            }
          }
          if (failed.length === 0) {
            applied.push(job.id);
            continue;
          }
          if (job.retryCount >= job.retryLimit)
            for (const f of failed) opts.onDeadLetter?.(topic, f.event, f.err);
          const message = (err: unknown) => String((err as Error).message ?? err);
          await boss.fail(name, job.id, {
            message: message(failed[0]!.err),
            failed: failed.map((f) => ({ eventId: f.event.id, message: message(f.err) })),
          });
        }
        return applied;
      };
      worker.id = await boss.work<EventBatch>(
        name,
        {
          batchSize,
          includeMetadata: true,
          pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5,
        },
        async (jobs) => {
          let done = false;
          let applied = jobs.map((j) => j.id);
          const events = jobs.flatMap((j) => eventsOfJob(j.data));
          if (options?.batch && events.length > 1) {
            // All at once (one transaction for the consumer); on any failure, one by one.
            done = await options.batch(events).then(
              () => true,
              (err: unknown) => {
                opts.onError?.(
                  Object.assign(new Error(`${name}: batch failed, applying one by one`), {
                    cause: err,
                  }),
                );
                return false;
              },
            );
          }
          if (!done) applied = await oneByOne(jobs);
          await acknowledge(name, applied);
          vacuum.finished(name, jobs.length);
          // pg-boss waits a polling interval after every fetch, even a full one, which caps a
          // queue at batchSize per interval (100 events/s): a backlog would only grow under
          // load. A full batch means more may wait, so the worker fetches again at once.
          if (jobs.length >= batchSize && worker.id !== undefined) boss.notifyWorker(worker.id);
        },
      );
    },

    async check() {
      await boss.getDb().executeSql('SELECT 1', []);
    },

    async stop() {
      try {
        await vacuum.stop();
        await boss.stop({ graceful: true, timeout: 5_000, wait: true });
      } finally {
        // pg-boss closes only a database it opened itself.
        await db.close();
      }
    },
  };
}
