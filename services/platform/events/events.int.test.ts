import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  databaseUrl,
  type TestDatabase,
} from '../../../test/support/database.js';
import { consumersOf, EVENT_TOPICS, type EventTopic, type ServiceName } from '../../catalog.js';
import { applyAllOnce, applyOnce } from './inbox.js';
import { inTransaction, type WriteTx } from '../transaction.js';
import { enqueue, queueAll, wroteEvents } from './outbox.js';
import { pruneEventTables } from './housekeeping.js';
import { queuesOf } from '../../../cli/lib/runtime/local/bus-view.js';
import { batchJobId } from './batch.js';
import { createPgBossBus, withQueueCreationLock, type PgBossBusOptions } from './pg-boss-bus.js';
import { createRelay } from './relay.js';
import type { EventBus, EventEnvelope } from './types.js';
import { until } from '../../../test/support/until.js';

// The producer's tables, exactly as every service's migration declares them.
const SCHEMA = `
CREATE TABLE outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), topic text NOT NULL, key text,
  payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz, attempts integer NOT NULL DEFAULT 0, last_error text);
CREATE TABLE processed_events (
  consumer text NOT NULL, event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id));
CREATE TABLE effects (event_id uuid NOT NULL, consumer text NOT NULL);`;

/** Records what was published; a delay widens the window in which relays could collide. */
function recordingBus(delayMs: number): EventBus & { ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    start: async () => {},
    check: async () => {},
    stop: async () => {},
    subscribe: async () => {},
    async publish(events: readonly EventEnvelope[]) {
      await new Promise((r) => setTimeout(r, delayMs));
      ids.push(...events.map((e) => e.id));
    },
  };
}

describe.skipIf(!ADMIN_DATABASE_URL)('event pipeline (real PostgreSQL, pg-boss)', () => {
  let producerDb: TestDatabase;
  let busDb: TestDatabase;
  let pool: pg.Pool;
  const buses: EventBus[] = [];

  beforeAll(async () => {
    producerDb = await createTestDatabase('events_producer');
    busDb = await createTestDatabase('events_bus');
    pool = new pg.Pool({ connectionString: producerDb.url, max: 12 });
    await pool.query(SCHEMA);
  });
  afterAll(async () => {
    for (const b of buses) await b.stop().catch(() => {});
    await pool?.end();
    await producerDb?.drop();
    await busDb?.drop();
  });

  function bus(consumer: ServiceName, consumers: ServiceName[], extra = {}): EventBus {
    const b = createPgBossBus({
      connectionString: busDb.url,
      service: consumer,
      consumersOf: () => consumers,
      retryDelaySeconds: 1,
      ...extra,
    });
    buses.push(b);
    return b;
  }

  async function produce(n: number, topic: EventTopic = 'OrderFilled'): Promise<string[]> {
    const ids: string[] = [];
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < n; i++) {
        ids.push(await enqueue(client, { topic, key: `k${i % 3}`, payload: { i } }));
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return ids;
  }

  async function unpublished(): Promise<number> {
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
    );
    return rows[0]!.n;
  }

  test('services creating their queues at the same time all start (no deadlock escapes)', async () => {
    const fresh = await createTestDatabase('events_queues');
    const consumers: ServiceName[] = ['risk', 'user', 'notification', 'trading'];
    const topics: EventTopic[] = [
      'OrderFilled',
      'OrderCanceled',
      'OrderRejected',
      'UserRegistered',
    ];
    const started = consumers.map((service) =>
      createPgBossBus({ connectionString: fresh.url, service, consumersOf: () => consumers }),
    );
    try {
      await Promise.all(started.map((b) => b.start()));
      // Every service subscribes to every topic at once: 16 queues (and their dead-letter
      // queues) created concurrently from four pools.
      await Promise.all(started.flatMap((b) => topics.map((t) => b.subscribe(t, async () => {}))));
      const admin = new pg.Pool({ connectionString: fresh.url, max: 1 });
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pgboss.queue',
      );
      await admin.end();
      expect(rows[0]!.n).toBe(consumers.length * topics.length * 2);
    } finally {
      await Promise.all(started.map((b) => b.stop().catch(() => {})));
      await fresh.drop();
    }
  });

  test('queue creations of different processes never overlap (one advisory lock)', async () => {
    const fresh = await createTestDatabase('events_queue_lock');
    try {
      const spans: [number, number][] = [];
      await Promise.all(
        Array.from({ length: 4 }, () =>
          withQueueCreationLock(fresh.url, async () => {
            const start = performance.now();
            await new Promise((r) => setTimeout(r, 50));
            spans.push([start, performance.now()]);
          }),
        ),
      );
      spans.sort((a, b) => a[0] - b[0]);
      expect(spans).toHaveLength(4);
      for (let i = 1; i < spans.length; i++) {
        expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
      }
    } finally {
      await fresh.drop();
    }
  });

  /** A trading producer and a risk consumer sharing a bus database of their own. */
  async function producerAndConsumer(
    db: string,
    consumerOptions: Partial<PgBossBusOptions>,
    /** Runs once the producer has created pg-boss's schema; may name the consumer's URL. */
    beforeConsumer?: (url: string) => Promise<string | undefined>,
  ) {
    const fresh = await createTestDatabase(db);
    const producer = createPgBossBus({
      connectionString: fresh.url,
      service: 'trading',
      consumersOf: () => ['risk'],
    });
    await producer.start();
    const consumer = createPgBossBus({
      connectionString: (await beforeConsumer?.(fresh.url)) ?? fresh.url,
      service: 'risk',
      consumersOf: () => ['risk'],
      ...consumerOptions,
    });
    await consumer.start();
    return {
      url: fresh.url,
      producer,
      consumer,
      async close() {
        await Promise.all([producer.stop(), consumer.stop()].map((p) => p.catch(() => {})));
        await fresh.drop();
      },
    };
  }

  /**
   * For producerAndConsumer: the consumer logs in as a new role (dropped by the test) that has
   * only `privileges` on pg-boss's tables.
   */
  const consumeAs =
    (admin: pg.Client, role: string, privileges: string) => async (ownerUrl: string) => {
      const owner = new pg.Client({ connectionString: ownerUrl });
      await owner.connect();
      try {
        await admin.query(`CREATE ROLE ${role} LOGIN`);
        await owner.query(`GRANT USAGE ON SCHEMA pgboss TO ${role};
          GRANT ${privileges} ON ALL TABLES IN SCHEMA pgboss TO ${role}`);
      } finally {
        await owner.end();
      }
      return databaseUrl(ownerUrl, new URL(ownerUrl).pathname.slice(1), role, '');
    };

  /** `n` events of `topic` as trading publishes them. */
  const envelopes = (topic: EventTopic, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: randomUUID(),
      topic,
      key: `k${i}`,
      source: 'trading' as const,
      occurredAt: new Date().toISOString(),
      payload: { i },
    }));

  test('a backlog drains at once: a full batch is followed by the next fetch, not a polling interval', async () => {
    // A 10 s polling interval: draining 300 events 50 at a time, one fetch per interval,
    // would take 50 s.
    const { producer, consumer, close } = await producerAndConsumer('events_drain', {
      batchSize: 50,
      pollingIntervalSeconds: 10,
    });
    try {
      // 300 relay batches of one event each: 300 jobs.
      for (const e of envelopes('OrderExpired', 300)) await producer.publish([e]);
      const seen = new Set<string>();
      await consumer.subscribe('OrderExpired', async (e) => void seen.add(e.id));
      await until('all 300 delivered', async () => (seen.size === 300 ? true : undefined), 8_000);
      expect(seen.size).toBe(300);
    } finally {
      await close();
    }
  });

  test('a consumer vacuums its queue’s table once enough deliveries finished there, and only then', async () => {
    const { url, producer, consumer, close } = await producerAndConsumer('events_vacuum', {
      vacuumMinDeliveries: 100,
      vacuumEveryMs: 100,
    });
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    // Manual vacuums of a queue's partition (autovacuum counts apart).
    const vacuums = async (topic: EventTopic): Promise<number> => {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT coalesce(sum(s.vacuum_count), 0)::int AS n
           FROM pgboss.queue q JOIN pg_stat_user_tables s
             ON s.schemaname = 'pgboss' AND s.relname = q.partition_name
          WHERE q.name = $1`,
        [`risk.${topic}`],
      );
      return rows[0]!.n;
    };
    try {
      const seen = { OrderExpired: 0, OrderCanceled: 0 };
      await consumer.subscribe('OrderExpired', async () => void seen.OrderExpired++);
      await consumer.subscribe('OrderCanceled', async () => void seen.OrderCanceled++);
      // Deliveries are jobs (a job per relay batch): 150 and 40 batches of one event.
      for (const e of [...envelopes('OrderExpired', 150), ...envelopes('OrderCanceled', 40)])
        await producer.publish([e]);
      await until(
        'all delivered',
        async () => (seen.OrderExpired === 150 && seen.OrderCanceled === 40 ? true : undefined),
        10_000,
      );
      // 150 finished on one queue: vacuumed (the statistics arrive within a second or so).
      await until('the busy queue vacuumed', async () =>
        (await vacuums('OrderExpired')) >= 1 ? true : undefined,
      );
      // 40 on the other, under the threshold: left to autovacuum.
      expect(await vacuums('OrderCanceled')).toBe(0);
    } finally {
      await admin.end();
      await close();
    }
  });

  test('a consumer whose role does not own the queue tables leaves them to autovacuum, and says so once', async () => {
    const role = `t_bus_guest_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    const errors: string[] = [];
    const { producer, consumer, close } = await producerAndConsumer(
      'events_vacuum_guest',
      { vacuumMinDeliveries: 50, vacuumEveryMs: 100, onError: (e) => errors.push(e.message) },
      // Everything pg-boss needs to consume, nothing that makes it the owner.
      consumeAs(admin, role, 'SELECT, INSERT, UPDATE, DELETE'),
    );
    try {
      // Published first: the producer (the owner) creates the queue the guest consumes.
      for (const e of envelopes('OrderExpired', 120)) await producer.publish([e]);
      let seen = 0;
      await consumer.subscribe('OrderExpired', async () => void seen++);
      await until('all delivered', async () => (seen === 120 ? true : undefined), 10_000);
      await until('the refusal said', async () => (errors.length > 0 ? true : undefined), 5_000);
      await new Promise((r) => setTimeout(r, 300)); // a few more passes: still said once
      expect(errors).toEqual([
        expect.stringMatching(
          /^queue risk\.OrderExpired: this role does not own j\w+; left to autovacuum$/,
        ),
      ]);
    } finally {
      await close();
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  test('housekeeping prunes published outbox rows and old event ids only, in batches', async () => {
    const tag = randomUUID();
    const day = 24 * 60 * 60 * 1000;
    const now = Date.now();
    // 12,000 rows published 8 days ago (more than two batches), one published yesterday, one
    // never published though 40 days old; event ids processed 31 days ago and yesterday.
    await pool.query(
      `INSERT INTO outbox (topic, key, payload, created_at, published_at)
       SELECT 'OrderFilled', $1, '{}', $2, $2 FROM generate_series(1, 12000)`,
      [tag, new Date(now - 8 * day)],
    );
    await pool.query(
      `INSERT INTO outbox (topic, key, payload, created_at, published_at) VALUES
         ('OrderFilled', $1, '{"keep":"recent"}', $2, $2),
         ('OrderFilled', $1, '{"keep":"unpublished"}', $3, NULL)`,
      [tag, new Date(now - day), new Date(now - 40 * day)],
    );
    const old = randomUUID();
    const recent = randomUUID();
    await pool.query(
      `INSERT INTO processed_events (consumer, event_id, processed_at) VALUES
         ('risk', $1, $3), ('risk', $2, $4)`,
      [old, recent, new Date(now - 31 * day), new Date(now - day)],
    );
    const result = await pruneEventTables(pool, { outbox: true, processedEvents: true });
    expect(result.outbox).toBeGreaterThanOrEqual(12_000);
    expect(result.processedEvents).toBeGreaterThanOrEqual(1);
    const kept = await pool.query<{ keep: string }>(
      `SELECT payload->>'keep' AS keep FROM outbox WHERE key = $1 ORDER BY 1`,
      [tag],
    );
    expect(kept.rows.map((r) => r.keep)).toEqual(['recent', 'unpublished']);
    const ids = await pool.query<{ event_id: string }>(
      'SELECT event_id FROM processed_events WHERE event_id = ANY($1::uuid[])',
      [[old, recent]],
    );
    expect(ids.rows.map((r) => r.event_id)).toEqual([recent]);
    // A service that only consumes (or only publishes) leaves the other table alone.
    await pool.query(
      `INSERT INTO outbox (topic, key, payload, created_at, published_at)
       VALUES ('OrderFilled', $1, '{}', $2, $2)`,
      [tag, new Date(now - 8 * day)],
    );
    expect(await pruneEventTables(pool, { outbox: false, processedEvents: true })).toEqual({
      outbox: 0,
      processedEvents: 0,
    });
  });

  test('a rolled-back producer transaction leaves no event', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n as number;
    const client = await pool.connect();
    await client.query('BEGIN');
    await enqueue(client, { topic: 'OrderFilled', key: null, payload: { x: 1 } });
    await client.query('ROLLBACK');
    client.release();
    const after = (await pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n as number;
    expect(after).toBe(before);
  });

  test('an event no service consumes is written already published and wakes no relay', async () => {
    await pool.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL');
    const unconsumed = EVENT_TOPICS.filter((t) => consumersOf(t).length === 0);
    const consumed = EVENT_TOPICS.filter((t) => consumersOf(t).length > 0);
    expect(unconsumed).toContain('OrderAccepted');
    const message = (topic: EventTopic) => ({ topic, key: `unconsumed-${topic}`, payload: {} });

    // queueAll: the statement rides with the COMMIT; only a relayed event marks the transaction.
    const marked = await inTransaction(pool, async (tx) => {
      queueAll(tx, unconsumed.map(message));
      const onlyUnconsumed = wroteEvents(tx);
      queueAll(tx, [message(consumed[0]!)]);
      return [onlyUnconsumed, wroteEvents(tx)];
    });
    expect(marked).toEqual([false, true]);
    // enqueue, one by one, decides the same way.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const topic of unconsumed) await enqueue(client, message(topic));
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    const { rows } = await pool.query<{ topic: EventTopic; published: boolean }>(
      `SELECT topic, published_at IS NOT NULL AS published FROM outbox
        WHERE key LIKE 'unconsumed-%' ORDER BY topic, published`,
    );
    const expected = [
      ...unconsumed.flatMap((topic) => [1, 2].map(() => ({ topic, published: true }))),
      { topic: consumed[0]!, published: false },
    ];
    const byTopic = (a: { topic: string }, b: { topic: string }) => a.topic.localeCompare(b.topic);
    expect([...rows].sort(byTopic)).toEqual(expected.sort(byTopic));

    // The relay publishes the consumed one and nothing else.
    const recorder = recordingBus(0);
    const relay = createRelay({ pool, bus: recorder, source: 'trading' });
    expect(await relay.publishBatch()).toBe(1);
    expect(await unpublished()).toBe(0);
  });

  test('a batch the bus refuses stays unpublished, with its attempt and error recorded', async () => {
    await pool.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL');
    const ids = await produce(3);
    const refusing: EventBus = {
      ...recordingBus(0),
      async publish() {
        throw new Error('bus down');
      },
    };
    await expect(
      createRelay({ pool, bus: refusing, source: 'trading' }).publishBatch(),
    ).rejects.toThrow('bus down');
    const { rows } = await pool.query<{ attempts: number; last_error: string; published: boolean }>(
      `SELECT attempts, last_error, published_at IS NOT NULL AS published FROM outbox
        WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toEqual(
      ids.map(() => ({ attempts: 1, last_error: 'bus down', published: false })),
    );
    // The next relay with a working bus publishes them, and nothing else.
    const recorder = recordingBus(0);
    expect(await createRelay({ pool, bus: recorder, source: 'trading' }).publishBatch()).toBe(3);
    expect([...recorder.ids].sort()).toEqual([...ids].sort());
    expect(await unpublished()).toBe(0);
  });

  test('two relays running at once never publish the same row twice', async () => {
    await pool.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL');
    const ids = await produce(300);
    const recorder = recordingBus(15);
    const relays = [1, 2, 3].map(() =>
      createRelay({ pool, bus: recorder, source: 'trading', batchSize: 20 }),
    );
    await Promise.all(
      relays.map(async (r) => {
        while ((await r.publishBatch()) > 0);
      }),
    );
    expect(recorder.ids.length).toBe(300);
    expect(new Set(recorder.ids).size).toBe(300);
    expect([...recorder.ids].sort()).toEqual([...ids].sort());
    expect(await unpublished()).toBe(0);
    expect(await relays[0]!.lagSeconds()).toBe(0);
  });

  test('a relay that dies between publish and mark republishes; each consumer applies once', async () => {
    const consumers: ServiceName[] = ['risk', 'notification'];
    const producerBus = bus('trading', consumers);
    await producerBus.start();
    // The crash: the events reach the bus, then the relay's connection is killed before the
    // UPDATE that marks them published can run (as if the process had been SIGKILLed).
    const relayPool = new pg.Pool({
      connectionString: producerDb.url,
      max: 1,
      application_name: 'relay-under-test',
    });
    relayPool.on('error', () => {});
    let crashes = 1;
    const crashingBus: EventBus = {
      ...producerBus,
      async publish(events) {
        await producerBus.publish(events);
        if (crashes-- > 0) {
          await pool.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE application_name = 'relay-under-test'`,
          );
        }
      },
    };
    const ids = await produce(5);
    const relay = createRelay({ pool: relayPool, bus: crashingBus, source: 'trading' });
    await expect(relay.publishBatch()).rejects.toThrow();
    expect(await unpublished()).toBe(5);
    expect(await relay.publishBatch()).toBe(5);
    expect(await unpublished()).toBe(0);
    await relayPool.end();

    const deliveries: Record<string, string[]> = { risk: [], notification: [] };
    for (const consumer of consumers) {
      const b = bus(consumer, consumers);
      await b.start();
      await b.subscribe('OrderFilled', async (event) => {
        deliveries[consumer]!.push(event.id);
        await applyOnce(pool, consumer, event.id, async (client) => {
          await client.query('INSERT INTO effects (event_id, consumer) VALUES ($1, $2)', [
            event.id,
            consumer,
          ]);
        });
      });
    }
    const effects = await until('every effect', async () => {
      const { rows } = await pool.query<{ consumer: string; n: number }>(
        `SELECT consumer, count(*)::int AS n FROM effects WHERE event_id = ANY($1::uuid[])
          GROUP BY consumer ORDER BY consumer`,
        [ids],
      );
      return rows.length === 2 && rows.every((r) => r.n === 5) ? rows : undefined;
    });
    expect(effects).toEqual([
      { consumer: 'notification', n: 5 },
      { consumer: 'risk', n: 5 },
    ]);
    // The same event delivered again (a redelivery after a consumer crash) changes nothing.
    const again = await applyOnce(pool, 'risk', ids[0]!, async (client) => {
      await client.query('INSERT INTO effects (event_id, consumer) VALUES ($1, $2)', [
        ids[0],
        'risk',
      ]);
    });
    expect(again).toBe('duplicate');
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM effects WHERE event_id = $1 AND consumer = 'risk'`,
      [ids[0]],
    );
    expect(rows[0]!.n).toBe(1);
  });

  test('an effect that throws records nothing; concurrent deliveries apply once', async () => {
    const id = randomUUID();
    await expect(
      applyOnce(pool, 'user', id, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        applyOnce(pool, 'user', id, async (client) => {
          await client.query('INSERT INTO effects (event_id, consumer) VALUES ($1, $2)', [
            id,
            'user',
          ]);
        }),
      ),
    );
    expect(results.sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
  });

  test('a publish queues one job per consumer queue, its events in order; the same batch again queues nothing', async () => {
    const { url, producer, close } = await producerAndConsumer('events_batched', {});
    const b = createPgBossBus({
      connectionString: url,
      service: 'trading',
      consumersOf: (t) => (t === 'OrderFilled' ? ['risk', 'notification'] : ['risk']),
    });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await b.start();
      const filled = envelopes('OrderFilled', 5);
      const canceled = envelopes('OrderCanceled', 2);
      const batch = [filled[0]!, canceled[0]!, ...filled.slice(1), canceled[1]!];
      await b.publish(batch);
      await b.publish(batch);
      await producer.publish([filled[0]!]);
      const { rows } = await admin.query<{ name: string; id: string; ids: string[] }>(
        `SELECT name, id, ARRAY(SELECT e->>'id' FROM jsonb_array_elements(data->'events') e) AS ids
           FROM pgboss.job WHERE name NOT LIKE '%.dead' ORDER BY name, created_on`,
      );
      const ids = (es: EventEnvelope[]) => es.map((e) => e.id);
      expect(rows).toEqual([
        { name: 'notification.OrderFilled', id: batchJobId(filled), ids: ids(filled) },
        { name: 'risk.OrderCanceled', id: batchJobId(canceled), ids: ids(canceled) },
        { name: 'risk.OrderFilled', id: batchJobId(filled), ids: ids(filled) },
        // A batch of one is the event's own id.
        { name: 'risk.OrderFilled', id: filled[0]!.id, ids: [filled[0]!.id] },
      ]);
      // `alphintra status` counts what waits in events, not jobs.
      const queues = await queuesOf(admin);
      expect(queues.map((q) => [q.name, q.waiting])).toEqual([
        ['notification.OrderFilled', 5],
        ['risk.OrderCanceled', 2],
        ['risk.OrderFilled', 6],
      ]);
    } finally {
      await admin.end();
      await b.stop();
      await close();
    }
  });

  test('a batch is applied in one transaction; a poisoned event in it fails alone, the rest apply once', async () => {
    // The queue's retry policy is set by whoever creates it first: here the producer.
    const producerBus = bus('trading', ['no-code'], { retryLimit: 1 });
    await producerBus.start();
    const dead: string[] = [];
    const consumerBus = bus('no-code', ['no-code'], {
      retryLimit: 1,
      onDeadLetter: (_t: EventTopic, e: EventEnvelope) => dead.push(e.id),
    });
    await consumerBus.start();
    const events: EventEnvelope[] = Array.from({ length: 10 }, (_, i) => ({
      id: randomUUID(),
      topic: 'OrderRejected',
      key: null,
      source: 'trading',
      occurredAt: new Date().toISOString(),
      payload: { poison: i === 4 },
    }));
    await producerBus.publish(events);
    const effect = async (tx: WriteTx, e: EventEnvelope) => {
      if (e.payload.poison) throw new Error('poison');
      await tx.query('INSERT INTO effects (event_id, consumer) VALUES ($1, $2)', [e.id, 'no-code']);
    };
    const batches: number[] = [];
    const oneByOne: string[] = [];
    await consumerBus.subscribe(
      'OrderRejected',
      async (e) => {
        oneByOne.push(e.id);
        await applyOnce(pool, 'no-code', e.id, (tx) => effect(tx, e));
      },
      {
        batch: async (batch) => {
          batches.push(batch.length);
          await applyAllOnce(pool, 'no-code', batch, effect);
        },
      },
    );
    const good = events.filter((e) => !e.payload.poison).map((e) => e.id);
    const applied = await until('the nine good events', async () => {
      const { rows } = await pool.query<{ event_id: string }>(
        `SELECT event_id FROM effects WHERE consumer = 'no-code' AND event_id = ANY($1::uuid[])`,
        [events.map((e) => e.id)],
      );
      return rows.length === 9 ? rows.map((r) => r.event_id) : undefined;
    });
    expect(applied.sort()).toEqual([...good].sort());
    // The batch was tried whole, rolled back for the poison, then applied one by one.
    expect(batches[0]).toBe(10);
    expect(oneByOne.slice(0, 10).sort()).toEqual(events.map((e) => e.id).sort());
    // The job is retried once: its nine applied events are duplicates, and only the poison
    // is dead-lettered.
    const poison = events.find((e) => e.payload.poison)!.id;
    await until('the dead letter', async () => (dead.length > 0 ? true : undefined), 10_000);
    expect(dead).toEqual([poison]);
    const { rows: once } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM effects
        WHERE consumer = 'no-code' AND event_id = ANY($1::uuid[]) GROUP BY event_id`,
      [events.map((e) => e.id)],
    );
    expect(once.map((r) => r.n)).toEqual(Array(9).fill(1));
    // A redelivered batch records nothing twice.
    expect(await applyAllOnce(pool, 'no-code', events.slice(0, 4), effect)).toEqual({
      applied: 0,
      duplicate: 4,
    });
  });

  test('a set-based effect gets the fresh events of a batch at once, in delivery order', async () => {
    const event = (n: number): EventEnvelope => ({
      id: randomUUID(),
      topic: 'OrderFilled',
      key: null,
      source: 'trading',
      occurredAt: new Date().toISOString(),
      payload: { n },
    });
    const [e1, e2, e3] = [event(1), event(2), event(3)];
    const calls: number[][] = [];
    const one = async () => {
      throw new Error('the batch goes to the set-based effect');
    };
    const all = async (tx: WriteTx, events: readonly EventEnvelope[]) => {
      calls.push(events.map((e) => e.payload.n as number));
      await tx.query('INSERT INTO effects (event_id, consumer) SELECT unnest($1::uuid[]), $2', [
        events.map((e) => e.id),
        'strategy',
      ]);
    };
    expect(await applyAllOnce(pool, 'strategy', [e1, e2], one, all)).toEqual({
      applied: 2,
      duplicate: 0,
    });
    // A redelivery with one new event: only the new one reaches the effect.
    expect(await applyAllOnce(pool, 'strategy', [e2, e3, e1], one, all)).toEqual({
      applied: 1,
      duplicate: 2,
    });
    // Nothing new: the effect is not called at all.
    expect(await applyAllOnce(pool, 'strategy', [e3], one, all)).toEqual({
      applied: 0,
      duplicate: 1,
    });
    expect(calls).toEqual([[1, 2], [3]]);
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM effects WHERE consumer = 'strategy'`,
    );
    expect(rows[0]!.n).toBe(3);
  });

  test('a delivered event leaves the job table at once: deleted, never completed or archived', async () => {
    const { url, producer, consumer, close } = await producerAndConsumer('events_delivered', {
      // An archive pass every second would move completed jobs within the wait below.
      maintenanceIntervalSeconds: 1,
      archiveCompletedAfterSeconds: 1,
    });
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const events = envelopes('OrderFilled', 5);
      const seen: string[] = [];
      await consumer.subscribe('OrderFilled', async (e) => void seen.push(e.id));
      await producer.publish(events);
      await until('all consumed', async () => (seen.length === 5 ? true : undefined));
      const where = async () =>
        (
          await admin.query<{ job: number; archive: number }>(
            `SELECT (SELECT count(*)::int FROM pgboss.job WHERE id = $1) AS job,
                    (SELECT count(*)::int FROM pgboss.archive WHERE id = $1) AS archive`,
            [batchJobId(events)],
          )
        ).rows[0]!;
      await until('the delivered jobs gone', async () => (await where()).job === 0 || undefined);
      // Two more archive passes: completed jobs would have reached the archive by now.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await where()).toEqual({ job: 0, archive: 0 });
    } finally {
      await admin.end();
      await close();
    }
  });

  test('a consumer that may not delete its delivered jobs has pg-boss complete them, and says so', async () => {
    const role = `t_bus_nodelete_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    const errors: string[] = [];
    const { url, producer, consumer, close } = await producerAndConsumer(
      'events_nodelete',
      { onError: (e) => errors.push(e.message), vacuumMinDeliveries: 1_000_000 },
      consumeAs(admin, role, 'SELECT, INSERT, UPDATE'),
    );
    const reader = new pg.Pool({ connectionString: url, max: 1 });
    try {
      // Three publishes, three jobs (one relay batch each).
      const events = envelopes('OrderFilled', 3);
      for (const e of events) await producer.publish([e]);
      let seen = 0;
      await consumer.subscribe('OrderFilled', async () => void seen++);
      const states = await until('the jobs completed', async () => {
        const { rows } = await reader.query<{ state: string }>(
          'SELECT state FROM pgboss.job WHERE id = ANY($1::uuid[])',
          [events.map((e) => e.id)],
        );
        return rows.length === 3 && rows.every((r) => r.state === 'completed') ? rows : undefined;
      });
      expect(states).toHaveLength(3);
      expect(seen).toBe(3);
      expect(errors).toContainEqual(
        expect.stringMatching(
          /^risk\.OrderFilled: could not delete delivered jobs; completing them$/,
        ),
      );
    } finally {
      await reader.end();
      await close();
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  test('an event that keeps failing is dead-lettered after the retry limit', async () => {
    const dead: string[] = [];
    let attempts = 0;
    const producerBus = bus('trading', ['user'], { retryLimit: 1 });
    await producerBus.start();
    const consumerBus = bus('user', ['user'], {
      retryLimit: 1,
      onDeadLetter: (_t: EventTopic, e: EventEnvelope) => dead.push(e.id),
    });
    await consumerBus.start();
    const event: EventEnvelope = {
      id: randomUUID(),
      topic: 'UserRegistered',
      key: null,
      source: 'auth',
      occurredAt: new Date().toISOString(),
      payload: {},
    };
    await producerBus.publish([event]);
    await consumerBus.subscribe('UserRegistered', async () => {
      attempts += 1;
      throw new Error('poison');
    });
    await until('the dead letter', async () => (dead.length > 0 ? true : undefined));
    expect(dead).toEqual([event.id]);
    expect(attempts).toBe(2);
  });
});
