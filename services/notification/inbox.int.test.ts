import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { createTestIdentity } from '../../test/support/identity.js';
import { until } from '../../test/support/until.js';
import type { EventTopic } from '../catalog.js';
import { applyOnce, createPgBossBus, type EventEnvelope } from '../platform/events/index.js';
import { parseConfig } from '../platform/index.js';
import { build } from './app.js';
import { configSchema } from './config.js';
import { orderEventHandlers } from './events/order-event-handlers.js';
import { MAX_STREAMS_PER_USER } from './routes/stream.js';
import type { EntryView } from './store/inbox-store.js';
import { testServiceEnv } from '../../test/support/service-env.js';

const id = createTestIdentity();
const bearer = (userId: string) => ({ authorization: `Bearer ${id.accessToken({ id: userId })}` });

function filled(userId: string, orderId = randomUUID(), extra: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    topic: 'OrderFilled' as const,
    key: orderId,
    source: 'trading' as const,
    occurredAt: new Date().toISOString(),
    payload: {
      version: 1,
      orderId,
      userId,
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '3',
      limitPrice: null,
      status: 'PartiallyFilled',
      cumQty: '2',
      avgPx: '187.5',
      execId: `x/${orderId}/1`,
      fillQty: '2.000',
      fillPrice: '187.50',
      leavesQty: '1',
      ...extra,
    },
  } satisfies EventEnvelope;
}

/** An SSE stream read as it arrives (a real socket: inject cannot stream). */
async function openStream(base: string, userId: string, headers: Record<string, string> = {}) {
  const stop = new AbortController();
  const res = await request(`${base}/api/v1/notifications/stream`, {
    headers: { ...bearer(userId), ...headers },
    signal: stop.signal,
  });
  let text = '';
  let ended = false;
  res.body.setEncoding('utf8');
  res.body.on('data', (chunk: string) => (text += chunk));
  res.body.on('end', () => (ended = true));
  res.body.on('error', () => (ended = true));
  const events = () =>
    text
      .split('\n\n')
      .filter((b) => b.includes('\ndata: '))
      .map((b) => {
        const field = (name: string) =>
          b
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        return { id: field('id'), event: field('event'), entry: JSON.parse(field('data')!) };
      }) as { id: string; event: string; entry: EntryView }[];
  return {
    status: res.statusCode,
    headers: res.headers,
    events,
    text: () => text,
    ended: () => ended,
    close: () => stop.abort(),
  };
}

describe.skipIf(!ADMIN_DATABASE_URL)('the inbox (real PostgreSQL, real bus)', () => {
  let db: TestDatabase;
  // Two instances on one database: what one writes, the other's streams must see.
  let a: FastifyInstance;
  let b: FastifyInstance;
  let baseA: string;
  let baseB: string;

  beforeAll(async () => {
    db = await createTestDatabase('notification_inbox');
    const config = parseConfig(configSchema, testServiceEnv('notification', db.url));
    a = await build(config, { logger: false, keys: id.keys });
    b = await build(config, { logger: false, keys: id.keys });
    await a.listen({ port: 0, host: '127.0.0.1' });
    await b.listen({ port: 0, host: '127.0.0.1' });
    baseA = `http://127.0.0.1:${(a.server.address() as AddressInfo).port}`;
    baseB = `http://127.0.0.1:${(b.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  const handler = orderEventHandlers().OrderFilled!;
  const apply = (e: EventEnvelope) =>
    applyOnce(a.pg, 'notification', e.id, (tx) => handler.apply(tx, e));
  const list = async (userId: string, query = '') =>
    (await a.inject({ url: `/api/v1/notifications${query}`, headers: bearer(userId) })).json<{
      items: EntryView[];
      unreadCount: number;
      limit: number;
      nextCursor: string | null;
    }>();

  test('an OrderFilled published on the bus lands once, even redelivered and republished', async () => {
    const user = randomUUID();
    const e = filled(user);
    const later = filled(user);
    const producer = createPgBossBus({ connectionString: db.url, service: 'trading' });
    await producer.start();
    try {
      // The same event twice (a redelivery) and again later (the relay republishing it).
      await producer.publish([e, e]);
      await until('the entry', async () =>
        (await list(user)).items.length > 0 ? true : undefined,
      );
      await producer.publish([e]);
      // A later event of the same user is a barrier: once it is in, the republish was handled.
      await producer.publish([later]);
      await until('the later entry', async () =>
        (await list(user)).items.length > 1 ? true : undefined,
      );
    } finally {
      await producer.stop();
    }
    const page = await list(user);
    expect(page.items.map((i) => i.data.orderId)).toEqual([
      later.payload.orderId,
      e.payload.orderId,
    ]);
    expect(page.items[1]).toEqual({
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      type: 'order.filled',
      data: {
        orderId: e.payload.orderId,
        symbol: 'AAPL',
        side: 'buy',
        status: 'PartiallyFilled',
        occurredAt: e.occurredAt,
        // This fill's figures, canonical decimal strings; the order's figures beside them.
        quantity: '2',
        price: '187.5',
        orderQuantity: '3',
        cumQty: '2',
        leavesQty: '1',
      },
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
      read: false,
      readAt: null,
    });
    expect(page.unreadCount).toBe(2);
  });

  test('applied once: a second delivery of the same event id is a duplicate', async () => {
    const user = randomUUID();
    const e = filled(user);
    expect(await apply(e)).toBe('applied');
    expect(await apply(e)).toBe('duplicate');
    expect((await list(user)).items).toHaveLength(1);
  });

  test.each([
    ['no userId', { userId: undefined }],
    ['a userId that is not a uuid', { userId: "1' OR '1'='1" }],
    ['a price that is not a decimal', { fillPrice: '1e3' }],
    ['an unknown side', { side: 'short' }],
  ])(
    'a payload with %s is refused (retried, then dead-lettered) and writes nothing',
    async (_n, bad) => {
      const user = randomUUID();
      const e = filled(user, randomUUID(), bad);
      await expect(apply(e)).rejects.toThrow(/OrderFilled/);
      const seen = await a.pg.query('SELECT 1 FROM processed_events WHERE event_id = $1', [e.id]);
      expect(seen.rowCount).toBe(0);
      expect((await list(user)).items).toEqual([]);
    },
  );

  test('a cancel and a reject become entries too, with what was left and why', async () => {
    const user = randomUUID();
    const handlers = orderEventHandlers();
    const closed = (topic: EventTopic, extra: Record<string, unknown>) => {
      const e = { ...filled(user), topic };
      return { ...e, payload: { ...e.payload, ...extra } };
    };
    const canceled = closed('OrderCanceled', {
      status: 'Canceled',
      releasedQty: '1.00',
      reason: null,
    });
    const rejected = closed('OrderRejected', {
      status: 'Rejected',
      cumQty: '0',
      releasedQty: '3',
      reason: 'ALP_RISK_MAX_NOTIONAL',
    });
    for (const e of [canceled, rejected]) {
      await applyOnce(a.pg, 'notification', e.id, (tx) => handlers[e.topic]!.apply(tx, e));
    }
    const { items } = await list(user);
    expect(items.map((i) => [i.type, i.data.status, i.data.releasedQty, i.data.reason])).toEqual([
      ['order.rejected', 'Rejected', '3', 'ALP_RISK_MAX_NOTIONAL'],
      ['order.canceled', 'Canceled', '1', null],
    ]);
  });

  test('pages: newest first, limit clamped to 1..100, cursors chain to the end', async () => {
    const user = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const e = filled(user);
      await apply(e);
      ids.push(e.payload.orderId);
    }
    const newestFirst = [...ids].reverse();
    const first = await list(user, '?limit=10');
    expect(first.limit).toBe(10);
    expect(first.items.map((i) => i.data.orderId)).toEqual(newestFirst.slice(0, 10));
    expect(first.unreadCount).toBe(25);
    const second = await list(user, `?limit=10&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.data.orderId)).toEqual(newestFirst.slice(10, 20));
    const third = await list(user, `?limit=10&cursor=${second.nextCursor}`);
    expect(third.items.map((i) => i.data.orderId)).toEqual(newestFirst.slice(20));
    expect(third.nextCursor).toBeNull();

    expect((await list(user)).limit).toBe(20);
    expect((await list(user, '?limit=0')).items).toHaveLength(1);
    expect((await list(user, '?limit=100000')).limit).toBe(100);
    expect((await list(user, '?limit=-5')).limit).toBe(20);

    for (const cursor of ['nope', Buffer.from('["x","1"]').toString('base64url')]) {
      const res = await a.inject({
        url: `/api/v1/notifications?cursor=${cursor}`,
        headers: bearer(user),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ALP_NOTIFICATION_CURSOR_INVALID' });
    }
  });

  test("mark read: idempotent, counted, and another user's entry is 404", async () => {
    const user = randomUUID();
    const other = randomUUID();
    await apply(filled(user));
    await apply(filled(user));
    const [newest] = (await list(user)).items;
    const mark = (who: string, entryId: string) =>
      a.inject({
        method: 'POST',
        url: `/api/v1/notifications/${entryId}/read`,
        headers: bearer(who),
      });
    const first = await mark(user, newest!.id);
    expect(first.statusCode).toBe(200);
    const read = first.json<EntryView>();
    expect(read).toEqual({ ...newest, read: true, readAt: expect.any(String) });
    expect((await list(user)).unreadCount).toBe(1);
    const again = await mark(user, newest!.id);
    expect(again.json()).toEqual(read);
    expect((await list(user)).unreadCount).toBe(1);

    for (const entryId of [newest!.id, '9223372036854775807', '9223372036854775808', 'x', '0']) {
      const res = await mark(other, entryId);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ALP_NOTIFICATION_NOT_FOUND' });
    }
    expect((await list(other)).items).toEqual([]);
    // A subject that is not a uuid owns nothing (and makes no query fail).
    expect((await list('not-a-uuid')).items).toEqual([]);
    expect((await mark('not-a-uuid', newest!.id)).statusCode).toBe(404);
  });

  test('every inbox route needs a valid access token', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/notifications'],
      ['POST', '/api/v1/notifications/1/read'],
      ['GET', '/api/v1/notifications/stream'],
    ] as const) {
      const res = await a.inject({ method, url });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_MISSING' });
    }
  });

  test('the stream sends an entry written by another instance, once its transaction commits', async () => {
    const user = randomUUID();
    const other = randomUUID();
    const stream = await openStream(baseB, user);
    const others = await openStream(baseB, other);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers['cache-control']).toBe('no-cache, no-store');
      const e = filled(user);
      await apply(e); // written through instance a's pool
      await until('the streamed entry', async () =>
        stream.events().length > 0 ? true : undefined,
      );
      const [event] = stream.events();
      const [listed] = (await list(user)).items;
      expect(event).toEqual({ id: listed!.id, event: 'notification', entry: listed });
      // A transaction that rolls back announces nothing; the next commit is what arrives.
      const client = await a.pg.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO inbox (user_id, event_id, type) VALUES ($1, 'rolled-back', 'order.filled')`,
          [user],
        );
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      await apply(filled(user));
      await until('the second entry', async () => (stream.events().length > 1 ? true : undefined));
      expect(stream.events().map((x) => x.entry.data.orderId)).toHaveLength(2);
      expect(others.events()).toEqual([]);
    } finally {
      stream.close();
      others.close();
    }
  });

  test('Last-Event-ID replays what came after it, then streams live, each entry once', async () => {
    const user = randomUUID();
    for (let i = 0; i < 3; i += 1) await apply(filled(user));
    const oldestFirst = (await list(user)).items.reverse();
    const stream = await openStream(baseA, user, { 'last-event-id': oldestFirst[0]!.id });
    try {
      await until('the replay', async () => (stream.events().length === 2 ? true : undefined));
      await apply(filled(user));
      await until('the live entry', async () => (stream.events().length === 3 ? true : undefined));
      const newest = (await list(user)).items[0]!;
      expect(stream.events().map((x) => x.id)).toEqual([
        oldestFirst[1]!.id,
        oldestFirst[2]!.id,
        newest.id,
      ]);
    } finally {
      stream.close();
    }
    const bad = await a.inject({
      url: '/api/v1/notifications/stream',
      headers: { ...bearer(user), 'last-event-id': '12abc' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'ALP_NOTIFICATION_LAST_EVENT_ID_INVALID' });
  });

  test(`at most ${MAX_STREAMS_PER_USER} streams per user; a closed one frees its place`, async () => {
    const user = randomUUID();
    const open = [];
    for (let i = 0; i < MAX_STREAMS_PER_USER; i += 1) open.push(await openStream(baseA, user));
    try {
      expect(open.map((s) => s.status)).toEqual(open.map(() => 200));
      const refused = await a.inject({
        url: '/api/v1/notifications/stream',
        headers: bearer(user),
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'ALP_NOTIFICATION_TOO_MANY_STREAMS' });
      open.pop()!.close();
      await until('the place freed', async () => {
        const s = await openStream(baseA, user);
        if (s.status === 200) return open.push(s);
        s.close();
        return undefined;
      });
      expect(open).toHaveLength(MAX_STREAMS_PER_USER);
    } finally {
      for (const s of open) s.close();
    }
  });

  test('a lost LISTEN connection ends the streams (clients resume) and is made again', async () => {
    const user = randomUUID();
    const stream = await openStream(baseA, user);
    expect(stream.status).toBe(200);
    await a.pg.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'notification-listen'
          AND pid <> pg_backend_pid()`,
    );
    await until('the stream ended', async () => (stream.ended() ? true : undefined));
    const feedUp = async (app: FastifyInstance) =>
      (await app.health.evaluate()).checks['inbox-feed']?.ok === true;
    await until('both instances listening again', async () =>
      (await feedUp(a)) && (await feedUp(b)) ? true : undefined,
    );
    const again = await openStream(baseB, user);
    try {
      const e = filled(user);
      await apply(e);
      await until('the entry after reconnecting', async () =>
        again.events().length === 1 ? true : undefined,
      );
      expect(again.events()[0]!.entry.data.orderId).toBe(e.payload.orderId);
    } finally {
      again.close();
    }
  });
});

describe.skipIf(!ADMIN_DATABASE_URL)('closing with open streams', () => {
  test('close() ends open streams instead of waiting for them', async () => {
    const db = await createTestDatabase('notification_close');
    try {
      const app = await build(parseConfig(configSchema, testServiceEnv('notification', db.url)), {
        logger: false,
        keys: id.keys,
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const stream = await openStream(
        `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
        randomUUID(),
      );
      expect(stream.status).toBe(200);
      // Fastify's close would otherwise wait for the stream for ever (the test's timeout).
      await app.close();
      await until('the client saw the end', async () => (stream.ended() ? true : undefined));
    } finally {
      await db.drop();
    }
  });
});
