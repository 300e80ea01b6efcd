import assert from 'node:assert/strict';
import { AssertionError } from 'node:assert';
import { Agent, request } from 'undici';
import type { E2eContext, E2eUser } from '../context.js';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import { area } from '../suite.js';
import { filledBuy } from './trading.js';

const CHECK = '/api/v1/notifications/webhooks/check';
const STREAM = '/api/v1/notifications/stream';
/** How long an entry may take to reach the inbox or a stream (bus polling, relay, commit). */
const INBOX_WAIT_MS = 15_000;
const STREAM_WAIT_MS = 15_000;

/** An inbox entry as notification serves it. */
interface InboxEntry {
  id: string;
  type: string;
  data: Record<string, string | null>;
  createdAt: string;
  read: boolean;
  readAt: string | null;
}

interface InboxPage {
  items: InboxEntry[];
  unreadCount: number;
  limit: number;
  nextCursor: string | null;
}

/** GET /api/v1/notifications (the first page). */
async function inboxOf(user: E2eUser): Promise<InboxPage> {
  const res = await user.call('GET', '/api/v1/notifications');
  expectStatus(res, 200, 'GET /api/v1/notifications');
  return bodyOf<InboxPage>(res, 'inbox');
}

/** Waits (bounded) until the user's inbox holds the entry of `orderId`'s fill and returns it. */
async function inboxEntryFor(t: E2eContext, user: E2eUser, orderId: string): Promise<InboxEntry> {
  const deadline = Date.now() + INBOX_WAIT_MS;
  for (;;) {
    const page = await inboxOf(user);
    const found = page.items.filter((e) => e.data.orderId === orderId);
    if (found.length > 0) {
      assert.equal(found.length, 1, `one entry for order ${orderId}: ${JSON.stringify(found)}`);
      return found[0]!;
    }
    if (Date.now() > deadline) {
      throw new AssertionError({
        message: `no inbox entry for order ${orderId} within ${INBOX_WAIT_MS} ms; inbox: ${JSON.stringify(page)}`,
      });
    }
    await new Promise((r) => setTimeout(r, 200));
    t.signal.throwIfAborted();
  }
}

function readEntry(data: string): InboxEntry {
  return JSON.parse(data) as InboxEntry;
}

/** One Server-Sent Event as the client parsed it. */
interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

interface OpenStream {
  /** The next event (already received or yet to come) that matches, within `ms`. */
  next(match: (e: SseEvent) => boolean, ms: number): Promise<SseEvent>;
  close(): Promise<void>;
}

/** Parses complete SSE blocks off the front of `buffer`; returns the rest. */
function parseSse(buffer: string, out: SseEvent[]): string {
  let end: number;
  while ((end = buffer.indexOf('\n\n')) >= 0) {
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon === 0) continue; // a comment (keep-alive)
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) out.push({ id, event, data: data.join('\n') });
  }
  return buffer;
}

/**
 * GET /api/v1/notifications/stream through the gateway, kept open: it must answer 200
 * text/event-stream at once (before any event), and is read as events arrive.
 */
async function openStream(
  t: E2eContext,
  token: string,
  headers: Record<string, string> = {},
): Promise<OpenStream> {
  const agent = new Agent({ localAddress: t.from });
  const stop = new AbortController();
  const signal = AbortSignal.any([t.signal, stop.signal]);
  const close = async () => {
    stop.abort();
    await agent.destroy().catch(() => undefined);
  };
  let res;
  try {
    res = await request(`${t.gateway}${STREAM}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers },
      signal,
      dispatcher: agent,
      headersTimeout: 10_000,
    });
  } catch (err) {
    await close();
    throw err;
  }
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode !== 200 || !type.startsWith('text/event-stream')) {
    const text = await res.body.text().catch(() => '');
    await close();
    throw new AssertionError({
      message: `GET ${STREAM}: expected 200 text/event-stream, got ${res.statusCode} ${type} ${text.slice(0, 400)}`,
    });
  }
  const body = res.body;
  body.setEncoding('utf8');
  const events: SseEvent[] = [];
  let buffer = '';
  let ended = false;
  body.on('data', (chunk: string) => {
    buffer = parseSse(buffer + chunk, events);
  });
  body.on('end', () => (ended = true));
  body.on('error', () => (ended = true));
  return {
    async next(match, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = events.findIndex(match);
        if (i >= 0) return events.splice(0, i + 1)[i]!;
        if (ended || Date.now() > deadline) {
          throw new AssertionError({
            message: `no matching event on the stream within ${ms} ms (${ended ? 'it ended' : 'still open'}); received: ${JSON.stringify(events).slice(0, 600)}`,
          });
        }
        await new Promise((r) => setTimeout(r, 50));
        t.signal.throwIfAborted();
      }
    },
    close,
  };
}

export const notifications = area('notifications', [
  {
    id: 'E52',
    title: 'a fill lands in the inbox exactly once',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const first = await filledBuy(user, 'AAPL', '2');
      const entry = await inboxEntryFor(t, user, first.id);
      assert.equal(entry.type, 'order.filled', `entry type: ${JSON.stringify(entry)}`);
      assert.equal(entry.read, false);
      assert.equal(entry.readAt, null);
      assert.match(entry.id, /^[1-9][0-9]*$/, `an entry id: ${entry.id}`);
      // One lot fills at once: the fill's figures are the order's, as exact decimal strings.
      assert.equal(entry.data.orderId, first.id);
      assert.equal(entry.data.symbol, 'AAPL');
      assert.equal(entry.data.side, 'buy');
      assert.equal(entry.data.quantity, '2');
      assert.equal(entry.data.price, first.avgPrice, `the fill price: ${JSON.stringify(entry)}`);
      assert.equal(entry.data.status, 'Filled');

      // A second fill is a barrier: once its entry is there, the first event has been
      // consumed and recorded; a redelivery of it must not have added a second entry.
      const second = await filledBuy(user, 'MSFT', '1');
      await inboxEntryFor(t, user, second.id);
      const inbox = await inboxOf(user);
      assert.deepEqual(
        inbox.items.map((e) => e.data.orderId),
        [second.id, first.id],
        `one entry per fill, newest first: ${JSON.stringify(inbox.items)}`,
      );
      assert.equal(inbox.unreadCount, 2);
      assert.equal(inbox.items[0]!.data.quantity, '1');
      assert.equal(inbox.items[0]!.data.price, second.avgPrice);

      // Someone else's inbox does not show them.
      const other = await t.user();
      assert.deepEqual(await inboxOf(other), {
        items: [],
        unreadCount: 0,
        limit: 20,
        nextCursor: null,
      });
      t.note(`entries ${inbox.items.map((e) => e.id).join(', ')}`);
    },
  },
  {
    id: 'E53',
    title: 'mark read',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const order = await filledBuy(user, 'AAPL', '1');
      const entry = await inboxEntryFor(t, user, order.id);
      assert.equal((await inboxOf(user)).unreadCount, 1);

      const read = await user.call('POST', `/api/v1/notifications/${entry.id}/read`);
      expectStatus(read, 200, 'mark read');
      const marked = bodyOf<InboxEntry>(read, 'marked entry');
      assert.equal(marked.id, entry.id);
      assert.equal(marked.read, true);
      assert.ok(
        typeof marked.readAt === 'string' &&
          Date.parse(marked.readAt) >= Date.parse(entry.createdAt),
        `readAt after createdAt: ${JSON.stringify(marked)}`,
      );
      assert.deepEqual(marked.data, entry.data);
      const after = await inboxOf(user);
      assert.equal(after.unreadCount, 0, `unread after marking: ${JSON.stringify(after)}`);
      assert.deepEqual(after.items, [marked]);

      // Idempotent: a repeat answers the same entry, with the first read time.
      const again = await user.call('POST', `/api/v1/notifications/${entry.id}/read`);
      expectStatus(again, 200, 'mark read again');
      assert.deepEqual(bodyOf<InboxEntry>(again, 'entry'), marked);
      assert.equal((await inboxOf(user)).unreadCount, 0);

      // Another user cannot mark it (nor learn it exists); ids that name nothing are 404 too.
      const other = await t.user();
      for (const id of [entry.id, '9223372036854775807', 'abc', '0']) {
        const res = await other.call('POST', `/api/v1/notifications/${id}/read`);
        expectProblem(res, 404, 'ALP_NOTIFICATION_NOT_FOUND', `another user marks ${id}`);
      }
      const mine = await user.call('POST', '/api/v1/notifications/9223372036854775807/read');
      expectProblem(mine, 404, 'ALP_NOTIFICATION_NOT_FOUND', 'an id that names nothing');
      assert.deepEqual((await inboxOf(user)).items, [marked], 'the entry is unchanged');
    },
  },
  {
    id: 'E54',
    title: 'a live stream receives the event',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const stream = await openStream(t, user.accessToken);
      try {
        const order = await filledBuy(user, 'AAPL', '1');
        const started = performance.now();
        const event = await stream.next(
          (e) => e.event === 'notification' && readEntry(e.data).data.orderId === order.id,
          STREAM_WAIT_MS,
        );
        const entry = readEntry(event.data);
        assert.equal(entry.type, 'order.filled');
        assert.equal(entry.data.quantity, '1');
        assert.equal(entry.data.price, order.avgPrice);
        assert.equal(event.id, entry.id, 'the SSE id is the entry id (Last-Event-ID resumes)');
        // The streamed entry is the one the inbox holds.
        const listed = await inboxEntryFor(t, user, order.id);
        assert.deepEqual(entry, listed);
        t.note(`streamed ${Math.round(performance.now() - started)} ms after the fill answered`);
      } finally {
        await stream.close();
      }

      // A client that reconnects with the id before it gets the entry replayed first.
      const listed = await inboxOf(user);
      assert.equal(listed.items.length, 1, `one entry: ${JSON.stringify(listed)}`);
      const only = listed.items[0]!;
      const resumed = await openStream(t, user.accessToken, {
        'last-event-id': String(BigInt(only.id) - 1n),
      });
      try {
        const replayed = await resumed.next((e) => e.event === 'notification', STREAM_WAIT_MS);
        assert.equal(replayed.id, only.id);
        assert.deepEqual(readEntry(replayed.data), only);
      } finally {
        await resumed.close();
      }
      const bad = await user.call('GET', '/api/v1/notifications/stream', {
        headers: { 'last-event-id': 'not-an-id' },
      });
      expectProblem(bad, 400, 'ALP_NOTIFICATION_LAST_EVENT_ID_INVALID', 'a made-up Last-Event-ID');
      const anonymous = await t.call('GET', '/api/v1/notifications/stream');
      expectProblem(anonymous, 401, 'ALP_AUTH_TOKEN_MISSING', 'a stream without a token');
    },
  },
  {
    id: 'E55',
    title: 'a webhook to a loopback or private address is refused',
    async run(t) {
      const user = await t.user();
      // Every spelling of an internal target, with the reason the service must give.
      const refused: [url: string, reason: string, addressClass?: string][] = [
        ['http://127.0.0.1/hook', 'address-not-public', 'loopback'],
        ['http://2130706433/hook', 'address-not-public', 'loopback'], // 127.0.0.1 as one number
        ['https://[::1]/hook', 'address-not-public', 'loopback'],
        ['https://[::ffff:127.0.0.1]/hook', 'address-not-public', 'ipv4-mapped'],
        ['https://10.0.0.5/hook', 'address-not-public', 'private'],
        ['https://172.16.3.4:8443/hook', 'address-not-public', 'private'],
        ['https://192.168.1.10/hook', 'address-not-public', 'private'],
        ['http://169.254.169.254/latest/meta-data/', 'address-not-public', 'metadata'],
        ['http://localhost/hook', 'host-not-allowed'],
        ['https://8.8.8.8:5432/hook', 'port-not-allowed'],
        ['https://user:secret@8.8.8.8/hook', 'credentials-in-url'],
        ['file:///etc/passwd', 'scheme-not-allowed'],
      ];
      for (const [url, reason, addressClass] of refused) {
        const res = await user.call('POST', CHECK, { body: { url } });
        expectProblem(res, 422, 'ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED', url);
        const problem = bodyOf<{ reason?: unknown; addressClass?: unknown }>(res, url);
        assert.equal(problem.reason, reason, `${url}: reason`);
        assert.equal(problem.addressClass, addressClass, `${url}: address class`);
      }
      // A public address on an allowed port is accepted (an IP literal: no DNS involved).
      const ok = await user.call('POST', CHECK, { body: { url: 'https://8.8.8.8/hook' } });
      expectStatus(ok, 200, 'a public target');
      assert.deepEqual(ok.body, { allowed: true });
    },
  },
]);
