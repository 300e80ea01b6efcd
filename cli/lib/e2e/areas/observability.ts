import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../../../../services/catalog.js';
import { canonicalJson, sha256Hex } from '../../../../services/platform/canonical-json.js';
import type { E2eContext, E2eUser } from '../context.js';
import { bodyOf, expectStatus } from '../expect.js';
import { headerOf } from '../http.js';
import { area } from '../suite.js';

/** The hops an order crosses. */
const ORDER_PATH: readonly ServiceName[] = ['gateway', 'trading', 'risk', 'broker'];
/** Services write their logs in blocks: how long a line may take to reach the file. */
const LOG_FLUSH_MS = 5_000;

async function placeOrder(user: E2eUser, headers: Record<string, string>) {
  const res = await user.call('POST', '/api/v1/orders', {
    body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
    headers: { 'idempotency-key': `e2e-${randomUUID()}`, ...headers },
  });
  expectStatus(res, 201, 'order');
  return res;
}

type Found = Map<ServiceName, Record<string, unknown>[]>;

/**
 * Log lines of each service that mention `needle`, waiting for the services to flush them
 * until `complete` holds (default: each service has a line) or the flush time has passed.
 */
async function linesWith(
  t: E2eContext,
  services: readonly ServiceName[],
  needle: string,
  complete: (found: Found) => boolean = (found) => [...found.values()].every((l) => l.length > 0),
): Promise<Found> {
  const deadline = Date.now() + LOG_FLUSH_MS;
  for (;;) {
    const found: Found = new Map();
    for (const s of services) {
      const lines = (await t.logLines(s)).filter((l) => l.includes(needle));
      found.set(
        s,
        lines.map((l) => JSON.parse(l) as Record<string, unknown>),
      );
    }
    if (complete(found) || Date.now() > deadline) return found;
    await sleep(250, undefined, { signal: t.signal });
  }
}

export const observability = area('observability', [
  {
    id: 'E65',
    title: 'a request id comes back and appears in the logs of every hop',
    alone: true,
    async run(t) {
      const user = await t.user({ deposit: '1000.00' });
      const requestId = `e2e-${randomUUID()}`;
      const res = await placeOrder(user, { 'x-request-id': requestId });
      assert.equal(headerOf(res, 'x-request-id'), requestId, 'the request id comes back');
      const found = await linesWith(t, ORDER_PATH, requestId);
      for (const [service, lines] of found) {
        assert.ok(lines.length > 0, `${service} logged no line with request id ${requestId}`);
        assert.ok(
          lines.every((l) => l.reqId === requestId),
          `${service}: the id is the line's reqId`,
        );
      }
      const generated = await t.call('GET', '/health/live');
      assert.match(
        headerOf(generated, 'x-request-id') ?? '',
        /\S{8,}/,
        'one is made when none is sent',
      );
    },
  },
  {
    id: 'E66',
    title: 'one trace spans gateway, trading, risk and broker',
    alone: true,
    async run(t) {
      const user = await t.user({ deposit: '1000.00' });
      const traceId = randomBytes(16).toString('hex');
      await placeOrder(user, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
      // Each hop served at least the request the one before it made: the order itself at the
      // gateway and trading, the risk check, and the broker's order. A hop's first line in the
      // file may be another one of the trace: wait for these.
      const served: readonly (readonly [ServiceName, string])[] = [
        ['gateway', '/api/v1/orders'],
        ['trading', '/api/v1/orders'],
        ['risk', '/internal/risk/check'],
        ['broker', '/internal/broker/orders'],
      ];
      const urls = (found: Found, s: ServiceName) => (found.get(s) ?? []).map((l) => String(l.url));
      const found = await linesWith(t, ORDER_PATH, traceId, (f) =>
        served.every(([s, url]) => urls(f, s).includes(url)),
      );
      for (const [service, lines] of found) {
        assert.ok(lines.length > 0, `${service} logged no line in trace ${traceId}`);
        assert.ok(
          lines.every((l) => l.traceId === traceId),
          `${service}: the line's traceId`,
        );
      }
      for (const [service, url] of served) {
        assert.ok(urls(found, service).includes(url), `${service}: served ${url} in the trace`);
      }
    },
  },
  {
    id: 'E67',
    title: 'the audit trail of an order verifies',
    async run(t) {
      const user = await t.user({ deposit: '1000.00' });
      const order = bodyOf<{ id: string; status: string }>(await placeOrder(user, {}), 'order');
      assert.equal(order.status, 'Filled');
      const res = await user.call('GET', `/api/v1/orders/${order.id}/audit`);
      expectStatus(res, 200, 'audit trail');
      const trail = bodyOf<{
        entries: { seq: number | string; prevHash: string; hash: string; entry: unknown }[];
        verification: { ok: boolean; count: number; headHash?: string };
      }>(res, 'audit trail');
      // PendingNew, New, Filled: one record per state change, each sealing the one before.
      const states = trail.entries.map((e) => (e.entry as { to?: unknown }).to);
      assert.deepEqual(states, ['PendingNew', 'New', 'Filled'], 'one record per state change');
      let prev = '0'.repeat(64);
      for (const [i, e] of trail.entries.entries()) {
        const seq = Number(e.seq);
        assert.equal(seq, i + 1, `record ${i}: its position`);
        assert.equal(e.prevHash, prev, `record ${seq}: links to the one before`);
        assert.equal(
          e.hash,
          sha256Hex(prev + canonicalJson({ seq, entry: e.entry })),
          `record ${seq}: its hash`,
        );
        prev = e.hash;
      }
      assert.deepEqual(trail.verification, { ok: true, count: 3, headHash: prev });
      const other = await t.user();
      const foreign = await other.call('GET', `/api/v1/orders/${order.id}/audit`);
      expectStatus(foreign, 404, "another user's audit trail");
    },
  },
]);
