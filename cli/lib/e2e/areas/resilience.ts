import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eContext, E2eUser } from '../context.js';
import { bodyOf, describeAnswer, expectProblem, expectStatus } from '../expect.js';
import { codeOf, headerOf, type HttpResult } from '../http.js';
import { area } from '../suite.js';

/** Well under the gateway's 5 s per-call timeout: an open breaker does not wait for it. */
const FAST_MS = 1_000;
/** A killed instance stays registered for its lease (15 s): the breaker must open before. */
const OPEN_WITHIN_MS = 12_000;
/** Open-state wait (10 s) plus half-open trials, after the service is back. */
const CLOSE_WITHIN_MS = 40_000;

/** Asks until `done` holds or the budget runs out; the last answer either way. */
async function pollUntil(
  t: E2eContext,
  budgetMs: number,
  ask: () => Promise<HttpResult>,
  done: (r: HttpResult) => boolean,
): Promise<HttpResult> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const res = await ask();
    if (done(res) || Date.now() > deadline) return res;
    await sleep(200, undefined, { signal: t.signal });
  }
}

/** Kills risk (its registration stays) until the gateway's breaker for it is open. */
async function tripRiskBreaker(t: E2eContext, user: E2eUser): Promise<void> {
  const before = await user.call('GET', '/api/v1/risk/limits');
  expectStatus(before, 200, 'risk limits before the crash');
  await t.killService('risk');
  const open = await pollUntil(
    t,
    OPEN_WITHIN_MS,
    () => user.call('GET', '/api/v1/risk/limits'),
    (r) => codeOf(r) === 'ALP_GATEWAY_CIRCUIT_OPEN',
  );
  expectProblem(open, 503, 'ALP_GATEWAY_CIRCUIT_OPEN', 'risk killed: the breaker opens');
  assert.ok(Number(headerOf(open, 'retry-after')) >= 1, 'an open breaker says when to retry');
}

/** Starts risk again and waits until the gateway reaches it: the platform is left whole. */
async function restoreRisk(t: E2eContext, user: E2eUser): Promise<HttpResult> {
  await t.startService('risk');
  return pollUntil(
    t,
    CLOSE_WITHIN_MS,
    () => user.call('GET', '/api/v1/risk/limits'),
    (r) => r.status === 200,
  );
}

export const resilience = area('resilience', [
  {
    id: 'E61',
    title: 'the 101st request in a minute answers 429 with Retry-After',
    async run(t) {
      const user = await t.user();
      const first = await user.call('GET', '/api/v1/users/me');
      expectStatus(first, 200, 'request 1');
      const limit = Number(headerOf(first, 'x-ratelimit-limit'));
      assert.ok(
        limit >= 1 && limit <= 1000,
        `x-ratelimit-limit ${headerOf(first, 'x-ratelimit-limit')}: a bench profile (RATE_LIMIT_MAX raised) cannot be checked here`,
      );
      t.note(`limit ${limit} per minute`);
      for (let n = 2; n <= limit; n++) {
        const res = await user.call('GET', '/api/v1/users/me');
        expectStatus(res, 200, `request ${n} of ${limit}`);
        assert.equal(
          Number(headerOf(res, 'x-ratelimit-remaining')),
          limit - n,
          `request ${n}: remaining`,
        );
      }
      const over = await user.call('GET', '/api/v1/users/me');
      expectProblem(over, 429, 'ALP_GATEWAY_RATE_LIMITED', `request ${limit + 1}`);
      const retryAfter = Number(headerOf(over, 'retry-after'));
      assert.ok(
        retryAfter >= 1 && retryAfter <= 60,
        `Retry-After ${headerOf(over, 'retry-after')}`,
      );
      // The limit is the user's: another user is not limited by it.
      const other = await t.user();
      expectStatus(await other.call('GET', '/api/v1/users/me'), 200, "another user's request");
    },
  },
  {
    id: 'E62',
    title: 'a stopped service trips its breaker (fast 503, no hang)',
    disruptive: true,
    timeoutMs: 90_000,
    async run(t) {
      const user = await t.user();
      try {
        await tripRiskBreaker(t, user);
        const fast = await user.call('GET', '/api/v1/risk/limits');
        expectProblem(fast, 503, 'ALP_GATEWAY_CIRCUIT_OPEN', 'while open');
        t.note(`open breaker answered in ${fast.ms.toFixed(1)} ms`);
        assert.ok(
          fast.ms < FAST_MS,
          `open breaker answered in ${fast.ms.toFixed(0)} ms (< ${FAST_MS})`,
        );
        // Trading fails closed: with risk gone an order is refused, never filled unchecked.
        const order = await user.call('POST', '/api/v1/orders', {
          body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
          headers: { 'idempotency-key': `e2e-${randomUUID()}` },
        });
        assert.ok(
          order.status >= 400 || (bodyOf(order, 'order').status as string) === 'Rejected',
          `an order without risk: ${describeAnswer(order)}`,
        );
      } finally {
        await restoreRisk(t, user);
      }
    },
  },
  {
    id: 'E63',
    title: 'the breaker closes after a restart',
    disruptive: true,
    timeoutMs: 120_000,
    async run(t) {
      const user = await t.user();
      let closed: HttpResult | undefined;
      const started = Date.now();
      try {
        await tripRiskBreaker(t, user);
      } finally {
        closed = await restoreRisk(t, user);
      }
      expectStatus(closed, 200, 'risk restarted: the breaker closes');
      t.note(`closed ${Date.now() - started} ms after risk was ready`);
      // Closed for good: the next calls go through too.
      for (let i = 0; i < 5; i++) {
        expectStatus(
          await user.call('GET', '/api/v1/risk/limits'),
          200,
          `call ${i + 1} after closing`,
        );
      }
    },
  },
  {
    id: 'E64',
    title: 'a retried order with the same key never duplicates',
    disruptive: true,
    timeoutMs: 120_000,
    async run(t) {
      const user = await t.user({ deposit: '10000.00' });
      const key = `e2e-${randomUUID()}`;
      const send = () =>
        user.call('POST', '/api/v1/orders', {
          body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
          headers: { 'idempotency-key': key },
          timeoutMs: 10_000,
        });
      // The first attempt meets a trading that crashes under it: its answer, if any, is lost.
      const lost = send().catch((err: unknown) => err);
      await sleep(5, undefined, { signal: t.signal });
      await t.killService('trading');
      await lost;
      try {
        await t.startService('trading');
      } catch (err) {
        throw new Error(`trading did not come back: ${(err as Error).message}`);
      }
      // The client retries with the same key until it gets an answer.
      const answer = await pollUntil(t, 30_000, send, (r) => r.status === 201 || r.status === 200);
      expectStatus(answer, [200, 201], 'the retried order');
      const order = bodyOf<{ id: string; status: string; cumQty: string }>(answer, 'order');
      // Retried again after it was answered: the same order, replayed.
      const replay = await send();
      expectStatus(replay, [200, 201], 'a further retry');
      assert.equal(
        headerOf(replay, 'idempotent-replayed'),
        'true',
        'the further retry is a replay',
      );
      assert.equal(bodyOf<{ id: string }>(replay, 'replay').id, order.id, 'the same order');
      const list = await user.call('GET', '/api/v1/orders?limit=50');
      expectStatus(list, 200, 'orders');
      const items = bodyOf<{ items: { id: string; status: string; cumQty: string }[] }>(
        list,
        'orders',
      ).items;
      assert.equal(items.length, 1, `exactly one order under the key, got ${items.length}`);
      assert.equal(items[0]!.id, order.id);
      assert.ok(
        ['Filled', 'Rejected'].includes(items[0]!.status),
        `a final state: ${items[0]!.status}`,
      );
      if (items[0]!.status === 'Filled') assert.equal(items[0]!.cumQty, '1', 'filled once');
    },
  },
]);
