import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderRefusal } from '../scenarios/order.js';
import { runOpenModel } from './open-model.js';

// Bounded (1 s at 200 req/s on loopback) against a tiny server: every request the schedule
// intends is sent, reaches the server and is counted once.
describe('runOpenModel against a real server', () => {
  let app: FastifyInstance;
  let url: string;
  let served = 0;
  let decided = 0;

  beforeAll(async () => {
    app = Fastify();
    app.get('/ping', async () => {
      served += 1;
      return { ok: true };
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

  test('a fixed arrival rate sends exactly rate × duration requests, all answered', async () => {
    const stats = await runOpenModel(
      {
        target: 'tiny',
        url,
        method: 'GET',
        path: '/ping',
        headers: {},
        connections: 4,
        durationS: 1,
      },
      200,
    );
    expect(served).toBe(200);
    expect(stats).toMatchObject({
      mode: 'open',
      rate: 200,
      sent: 200,
      requests: 200,
      errors: 0,
      non2xx: 0,
      errorRate: 0,
      statusCounts: { '200': 200 },
      latencyResolutionMs: 0.001,
    });
  });

  test('a 201 carrying a rejected order counts as refused and as a failure, still as an answer', async () => {
    const stats = await runOpenModel(
      {
        target: 'tiny',
        url,
        method: 'GET',
        path: '/decided',
        headers: {},
        refusal: orderRefusal,
        connections: 4,
        durationS: 1,
      },
      100,
    );
    expect(decided).toBe(100);
    expect(stats).toMatchObject({
      sent: 100,
      requests: 100,
      errors: 0,
      non2xx: 0,
      refused: 50,
      refusalCounts: { 'Rejected: ALP_ORDERS_RISK_UNAVAILABLE': 50 },
      statusCounts: { '201': 100 },
      errorRate: 0.5,
    });
  });

  test('an abort stops the schedule at once: what was in flight is cut off, not waited for', async () => {
    const plan = {
      target: 'tiny',
      url,
      method: 'GET' as const,
      path: '/ping',
      headers: {},
      connections: 4,
      durationS: 60, // 12,000 intended requests: an abort that did nothing would time the test out
    };
    const signal = AbortSignal.timeout(300);
    const stats = await runOpenModel({ ...plan, signal }, 200);
    expect(stats.sent).toBeGreaterThan(0);
    expect(stats.sent).toBeLessThan(1_200);

    const none = await runOpenModel({ ...plan, signal: AbortSignal.abort() }, 200);
    expect(none.sent).toBe(0);
  });
});
