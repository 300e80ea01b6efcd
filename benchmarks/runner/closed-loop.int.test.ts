import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderRefusal } from '../scenarios/order.js';
import { runClosedLoop } from './closed-loop.js';

// A real, bounded run (~1 s, 2 connections, loopback) against a tiny server that counts what
// it receives: proves the runner's numbers come from requests that really happened.
describe('runClosedLoop against a real server', () => {
  let app: FastifyInstance;
  let url: string;
  const seen = { gets: 0, posts: 0, keys: new Set<string>(), bodies: new Set<string>() };
  let decided = 0;

  beforeAll(async () => {
    app = Fastify();
    app.get('/ping', async () => {
      seen.gets += 1;
      return { ok: true };
    });
    app.post<{ Body: { n: number } }>('/orders', async (request, reply) => {
      seen.posts += 1;
      seen.keys.add(String(request.headers['idempotency-key']));
      seen.bodies.add(JSON.stringify(request.body));
      return reply.code(request.body.n % 2 === 0 ? 201 : 422).send({});
    });
    // Like trading: 201 for every order it decided, every second one rejected fail closed.
    app.get('/decided', async (_request, reply) => {
      const filled = decided++ % 2 === 0;
      return reply.code(201).send({
        id: String(decided),
        status: filled ? 'Filled' : 'Rejected',
        reason: filled ? null : 'ALP_ORDERS_RISK_UNAVAILABLE',
      });
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  test('every response the runner counts was served, and none failed', async () => {
    const stats = await runClosedLoop({
      target: 'tiny',
      url,
      method: 'GET',
      path: '/ping',
      headers: { authorization: 'Bearer x' },
      connections: 2,
      durationS: 1,
    });
    expect(stats.requests).toBeGreaterThan(0);
    // The run stops with up to one request in flight per connection: those reach the server
    // (or not) without an answer being counted. Everything counted was served.
    expect(seen.gets).toBeGreaterThanOrEqual(stats.requests);
    expect(seen.gets).toBeLessThanOrEqual(stats.sent);
    expect(stats.sent - stats.requests).toBeLessThanOrEqual(2);
    expect(stats).toMatchObject({
      mode: 'closed',
      target: 'tiny',
      url: `${url}/ping`,
      connections: 2,
      rate: null,
      errors: 0,
      non2xx: 0,
      errorRate: 0,
      statusCounts: { '200': stats.requests },
      latencyResolutionMs: 1,
    });
  });

  test('per-request headers and bodies are fresh, and non-2xx answers count as errors', async () => {
    let n = 0;
    let k = 0;
    const stats = await runClosedLoop({
      target: 'tiny',
      url,
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body: () => ({ n: n++ }),
      perRequestHeaders: () => ({ 'idempotency-key': `k-${k++}` }),
      connections: 1,
      durationS: 1,
    });
    const odd = stats.statusCounts['422'] ?? 0;
    expect(seen.keys.size).toBe(seen.posts);
    expect(seen.bodies.size).toBe(seen.posts);
    expect(stats.non2xx).toBe(odd);
    expect((stats.statusCounts['201'] ?? 0) + odd).toBe(stats.requests);
    expect(stats.errorRate).toBe(odd / stats.requests);
  });

  test('a 201 carrying a rejected order counts as refused and as a failure, still as an answer', async () => {
    const stats = await runClosedLoop({
      target: 'tiny',
      url,
      method: 'GET',
      path: '/decided',
      headers: {},
      refusal: orderRefusal,
      connections: 1,
      durationS: 1,
    });
    // One connection: the counted answers are the first ones served, alternating from Filled.
    const rejected = Math.floor(stats.requests / 2);
    expect(stats.requests).toBeGreaterThan(1);
    expect(stats).toMatchObject({
      errors: 0,
      non2xx: 0,
      refused: rejected,
      refusalCounts: { 'Rejected: ALP_ORDERS_RISK_UNAVAILABLE': rejected },
      statusCounts: { '201': stats.requests },
      errorRate: rejected / stats.requests,
    });
  });

  test('an abort stops the run at once, with what it measured so far', async () => {
    const before = seen.gets;
    const stats = await runClosedLoop({
      target: 'tiny',
      url,
      method: 'GET',
      path: '/ping',
      headers: {},
      connections: 2,
      durationS: 60, // an abort that did nothing would time the test out
      signal: AbortSignal.timeout(300),
    });
    expect(stats.requests).toBeGreaterThan(0);
    expect(seen.gets - before).toBeGreaterThanOrEqual(stats.requests);
  });
});
