import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ensureOrders } from './bench-user.js';

/** A stand-in for the gateway: answers the orders routes and records what it was asked. */
async function fakeGateway(existing: number, answer = 201) {
  const calls: { method: string; url: string; key?: string; auth?: string; body: unknown }[] = [];
  let orders = existing;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      calls.push({
        method: req.method!,
        url: req.url!,
        key: req.headers['idempotency-key'] as string | undefined,
        auth: req.headers.authorization,
        body: raw ? JSON.parse(raw) : undefined,
      });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET') {
        const limit = Number(new URL(req.url!, 'http://x').searchParams.get('limit'));
        res.end(
          JSON.stringify({ items: Array.from({ length: Math.min(limit, orders) }, () => ({})) }),
        );
        return;
      }
      if (answer === 201) orders += 1;
      res.statusCode = answer;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, close: () => new Promise((r) => server.close(r)) };
}

const user = { email: 'b@bench', userId: 'u1', accessToken: 'tok' };

describe('ensureOrders (bench setup)', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => close?.());

  test('places exactly the missing orders, each a one-share market buy under a fresh key', async () => {
    const gw = await fakeGateway(47);
    close = gw.close;
    expect(await ensureOrders(gw.url, user, 50)).toBe(3);
    const posts = gw.calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.key)).size).toBe(3);
    for (const p of posts) {
      expect(p).toMatchObject({
        url: '/api/v1/orders',
        auth: 'Bearer tok',
        body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
      });
    }
    expect(gw.calls[0]).toMatchObject({ method: 'GET', url: '/api/v1/orders?limit=50' });
    expect(await ensureOrders(gw.url, user, 50)).toBe(0);
  });

  test('a refused order stops the setup with ALP_BENCH_SETUP_FAILED naming the status', async () => {
    const gw = await fakeGateway(0, 429);
    close = gw.close;
    await expect(ensureOrders(gw.url, user, 5)).rejects.toMatchObject({
      code: 'ALP_BENCH_SETUP_FAILED',
      message: expect.stringContaining('429'),
    });
  });
});
