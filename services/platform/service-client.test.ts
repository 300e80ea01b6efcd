import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../test/support/free-port.js';
import { createServiceTokenSource } from './security/index.js';
import { createServiceClient, type ServiceClient } from './service-client.js';

// Real loopback servers stand in for the upstreams: the client's job is the HTTP boundary.
let upstream: FastifyInstance;
let auth: FastifyInstance;
let base = '';
let authBase = '';
const seen: { headers: Record<string, unknown>; body: unknown }[] = [];
const exchanges: unknown[] = [];
let aborted = 0;

beforeAll(async () => {
  upstream = Fastify();
  upstream.post('/echo', async (req) => {
    seen.push({ headers: req.headers, body: req.body });
    return { got: req.body };
  });
  upstream.delete('/thing', async (_req, reply) => reply.code(204).send());
  upstream.get('/missing', async (_req, reply) =>
    reply
      .code(404)
      .type('application/problem+json; charset=utf-8')
      .send({ status: 404, code: 'ALP_USER_NOT_FOUND', detail: 'no such user' }),
  );
  upstream.get('/slow', async (req) => {
    req.raw.socket.once('close', () => (aborted += 1));
    await new Promise((r) => setTimeout(r, 2_000));
    return { late: true };
  });
  upstream.get('/html', async (_req, reply) => reply.code(502).type('text/html').send('<h1>'));
  await upstream.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;

  auth = Fastify();
  auth.post('/internal/service-tokens', async (req, reply) => {
    exchanges.push(req.body);
    const { credential, audience } = req.body as { credential: string; audience: string };
    if (credential !== 'the-credential') return reply.code(401).send({ code: 'ALP_AUTH_X' });
    return { tokenType: 'svc+jwt', token: `token-for-${audience}`, expiresIn: 300 };
  });
  await auth.listen({ port: 0, host: '127.0.0.1' });
  authBase = `http://127.0.0.1:${(auth.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await upstream?.close();
  await auth?.close();
});

let client: ServiceClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

const staticTokens = createServiceTokenSource({
  fetchToken: async (aud) => ({ token: `static-${aud}`, expiresInSec: 300 }),
});
const context = {
  id: 'req-abcdef12',
  trace: { traceId: '0af7651916cd43dd8448eb211c80319c', sampled: true },
};

describe('service client', () => {
  test('JSON in and out, with a service token, the request id and the trace context', async () => {
    client = createServiceClient({
      service: 'auth',
      upstreams: { user: `${base}/` },
      tokens: staticTokens,
    });
    const res = await client.call<{ got: unknown }>('user', {
      method: 'POST',
      path: '/echo',
      body: { a: '1.10' },
      context,
    });
    expect(res).toMatchObject({ status: 200, body: { got: { a: '1.10' } } });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const h = seen.at(-1)!.headers;
    expect(h.authorization).toBe('Bearer static-user');
    expect(h['x-request-id']).toBe('req-abcdef12');
    expect(h.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  });

  test('204 → body undefined', async () => {
    client = createServiceClient({
      service: 'auth',
      upstreams: { user: base },
      tokens: staticTokens,
    });
    const res = await client.call('user', { method: 'DELETE', path: '/thing' });
    expect([res.status, res.body]).toEqual([204, undefined]);
  });

  test("on a user's behalf: the user's own token instead of a service token, and extra headers", async () => {
    const fetched: string[] = [];
    client = createServiceClient({
      service: 'graphql-gateway',
      upstreams: { trading: base },
      tokens: createServiceTokenSource({
        fetchToken: async (aud) => {
          fetched.push(aud);
          return { token: `static-${aud}`, expiresInSec: 300 };
        },
      }),
    });
    await client.call('trading', {
      method: 'POST',
      path: '/echo',
      body: {},
      authorization: 'Bearer the-users-token',
      headers: { 'idempotency-key': 'k-1', accept: 'text/html', 'x-request-id': 'forged' },
      context,
    });
    const h = seen.at(-1)!.headers;
    expect(h.authorization).toBe('Bearer the-users-token');
    expect(h['idempotency-key']).toBe('k-1');
    // The client's own headers win over the caller's.
    expect(h.accept).toBe('application/json');
    expect(h['x-request-id']).toBe('req-abcdef12');
    expect(fetched).toEqual([]);
  });

  test("the caller's abort ends the call with the abort's reason, not an upstream error", async () => {
    client = createServiceClient({
      service: 'auth',
      upstreams: { user: base },
      tokens: staticTokens,
    });
    const before = aborted;
    const caller = new AbortController();
    const call = client.call('user', { path: '/slow', signal: caller.signal });
    setTimeout(() => caller.abort(new Error('the subscription closed')), 50);
    await expect(call).rejects.toThrow('the subscription closed');
    await expect.poll(() => aborted).toBe(before + 1);
  });

  test('a problem+json answer → ALP_UPSTREAM_REJECTED with the upstream status and code', async () => {
    client = createServiceClient({
      service: 'auth',
      upstreams: { user: base },
      tokens: staticTokens,
    });
    await expect(client.call('user', { path: '/missing' })).rejects.toMatchObject({
      code: 'ALP_UPSTREAM_REJECTED',
      statusCode: 502,
      upstream: {
        service: 'user',
        status: 404,
        code: 'ALP_USER_NOT_FOUND',
        detail: 'no such user',
        title: undefined,
      },
    });
    await expect(client.call('user', { path: '/html' })).rejects.toMatchObject({
      code: 'ALP_UPSTREAM_REJECTED',
      upstream: { status: 502, code: undefined },
    });
  });

  test('the deadline aborts the call: ALP_UPSTREAM_TIMEOUT, and the upstream sees the close', async () => {
    client = createServiceClient({
      service: 'auth',
      upstreams: { user: base },
      tokens: staticTokens,
    });
    const before = aborted;
    const started = Date.now();
    await expect(client.call('user', { path: '/slow', timeoutMs: 200 })).rejects.toMatchObject({
      code: 'ALP_UPSTREAM_TIMEOUT',
      statusCode: 504,
      message: 'service user did not answer within 200 ms',
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect.poll(() => aborted).toBe(before + 1);
  });

  test('nobody listening → ALP_UPSTREAM_UNAVAILABLE (503)', async () => {
    client = createServiceClient({
      service: 'auth',
      upstreams: { user: `http://127.0.0.1:${await freePort()}` },
      tokens: staticTokens,
    });
    await expect(client.call('user', { path: '/echo' })).rejects.toMatchObject({
      code: 'ALP_UPSTREAM_UNAVAILABLE',
      statusCode: 503,
      message: 'service user is unavailable',
    });
  });

  test('a service that is not an upstream cannot be called', async () => {
    client = createServiceClient({ service: 'auth', upstreams: {}, tokens: staticTokens });
    await expect(client.call('trading', { path: '/x' })).rejects.toThrow(
      'auth has no URL for trading (not an upstream)',
    );
  });

  describe('default token source: exchanged at auth with SERVICE_CREDENTIAL', () => {
    test('one exchange per audience, reused across calls', async () => {
      exchanges.length = 0;
      client = createServiceClient({
        service: 'trading',
        upstreams: { auth: authBase, user: base },
        credential: 'the-credential',
      });
      await client.call('user', { method: 'POST', path: '/echo', body: {} });
      await client.call('user', { method: 'POST', path: '/echo', body: {} });
      expect(exchanges).toEqual([
        { service: 'trading', credential: 'the-credential', audience: 'user' },
      ]);
      expect(seen.at(-1)!.headers.authorization).toBe('Bearer token-for-user');
    });

    test('a refused credential surfaces as ALP_UPSTREAM_REJECTED from auth', async () => {
      client = createServiceClient({
        service: 'trading',
        upstreams: { auth: authBase, user: base },
        credential: 'wrong',
      });
      await expect(client.call('user', { path: '/echo' })).rejects.toMatchObject({
        code: 'ALP_UPSTREAM_REJECTED',
        upstream: { service: 'auth', status: 401 },
      });
    });
  });
});
