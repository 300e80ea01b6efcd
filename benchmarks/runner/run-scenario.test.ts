import { describe, expect, test } from 'vitest';
import { orderRefusal } from '../scenarios/order.js';
import { scenarios } from '../scenarios/registry.js';
import type { RunStats } from './run-stats.js';
import { medianIndex, planFor, settleMs } from './run-scenario.js';

const users = ['t1', 't2', 't3'].map((t) => ({ email: `${t}@x.dev`, userId: t, accessToken: t }));
const run = (rps: number, p99 = 10) => ({ rps, latencyMs: { p99 } }) as unknown as RunStats;

describe('planFor', () => {
  test('a read rotates the bench users’ tokens per request, with no body', () => {
    const plan = planFor(scenarios.read, 'http://127.0.0.1:6000', 'gateway', users, 5);
    expect(plan).toMatchObject({
      target: 'gateway',
      url: 'http://127.0.0.1:6000',
      method: 'GET',
      path: '/api/v1/users/me',
      headers: {},
      connections: 100,
      durationS: 5,
    });
    expect(plan.body).toBeUndefined();
    expect(plan.refusal).toBeUndefined();
    const auth = [1, 2, 3, 4].map(() => plan.perRequestHeaders?.().authorization);
    expect(auth).toEqual(['Bearer t1', 'Bearer t2', 'Bearer t3', 'Bearer t1']);
  });

  test('one user’s token is a fixed header, so the request can be built once', () => {
    const plan = planFor(
      scenarios['orders-read'],
      'http://127.0.0.1:6000',
      'gateway',
      users.slice(0, 1),
      5,
    );
    expect(plan.headers).toEqual({ authorization: 'Bearer t1' });
    expect(plan.perRequestHeaders).toBeUndefined();
    expect(plan.body).toBeUndefined();
  });

  test('an order gets a JSON body, a token, a fresh Idempotency-Key and a refusal check', () => {
    const plan = planFor(scenarios.order, 'http://127.0.0.1:6000', 'gateway', users.slice(0, 1), 1);
    expect(plan.headers).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer t1',
    });
    const a = plan.perRequestHeaders?.();
    const b = plan.perRequestHeaders?.();
    expect(a?.['idempotency-key']).not.toBe(b?.['idempotency-key']);
    expect(plan.body?.()).toEqual({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' });
    // A 201 can carry a rejected order: the runners judge each 2xx body with the scenario's check.
    expect(plan.refusal).toBe(orderRefusal);
  });
});

describe('medianIndex', () => {
  test.each([
    [[100], 0],
    [[300, 100, 200], 2],
    [[400, 100, 300, 200], 3],
  ])('rps %j → index %d', (rps, index) => {
    expect(medianIndex(rps.map((r) => run(r)))).toBe(index);
  });

  test('open model: by p99, since every run delivers the offered rate', () => {
    const open = (rps: number, p99: number) => ({ ...run(rps, p99), mode: 'open' }) as RunStats;
    expect(medianIndex([open(999.9, 50), open(999.8, 10), open(1000, 30)])).toBe(2);
    expect(medianIndex([open(1000, 7), open(999, 90), open(998, 12), open(997, 40)])).toBe(2);
  });
});

describe('settleMs', () => {
  test.each([
    [1, 250],
    [1000, 1200],
    [9000, 5000],
  ])('p99 %d ms → pause %d ms', (p99, ms) => {
    expect(settleMs(run(1, p99))).toBe(ms);
  });
});
