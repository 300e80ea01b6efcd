import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { services } from '../catalog.js';
import { createStaticResolver } from '../platform/discovery/index.js';
import { createStaticKeySet } from '../platform/security/index.js';
import { build, type GatewayDeps } from './app.js';
import { startEcho, type EchoUpstream } from './testing/echo-upstream.js';
import { gatewayConfig } from './testing/gateway-config.js';
import { accessToken, attackTokens, jwks } from './testing/tokens.js';

const routed = [...new Set(services.filter((s) => s.routes.length > 0).map((s) => s.name))];
const echoes = new Map<string, EchoUpstream>();
let gw: FastifyInstance;

async function gateway(config: Record<string, unknown> = {}, deps: GatewayDeps = {}) {
  return build(
    gatewayConfig(config),
    { logger: false, bodyLimit: 1024 },
    {
      keys: createStaticKeySet(jwks),
      resolver: createStaticResolver(Object.fromEntries([...echoes].map(([n, e]) => [n, e.url]))),
      ...deps,
    },
  );
}

const bearer = (sub = 'user-1') => ({ authorization: `Bearer ${accessToken({ sub })}` });
const hitsOf = (service: string) => echoes.get(service)!.hits;

beforeAll(async () => {
  for (const name of routed) echoes.set(name, await startEcho(name));
  gw = await gateway({ CORS_ORIGINS: 'https://app.alphintra.dev', RATE_LIMIT_MAX: 1000 });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([...echoes.values()].map((e) => e.close()));
});

describe('routing: every catalog route reaches its service with the same path', () => {
  const cases = services.flatMap((s) =>
    s.routes.flatMap((r) => [
      [r.prefix, s.name],
      [`${r.prefix}/some/thing?x=1&y=%20z`, s.name],
    ]),
  );
  test.each(cases)('%s → %s', async (url, service) => {
    const before = hitsOf(service).length;
    const res = await gw.inject({ method: 'GET', url, headers: bearer() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-upstream']).toBe(service);
    expect(res.json()).toMatchObject({ upstream: service, method: 'GET', url });
    expect(hitsOf(service).length).toBe(before + 1);
  });

  test.each(['POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])(
    '%s is forwarded with its method',
    async (method) => {
      const res = await gw.inject({
        method: method as 'POST',
        url: '/api/v1/orders/o-1',
        headers: bearer(),
      });
      expect(res.statusCode).toBe(200);
      expect(hitsOf('trading').at(-1)).toMatchObject({ method, url: '/api/v1/orders/o-1' });
    },
  );

  test.each([
    ['/api/v1/unknown', 'no route'],
    ['/internal/service-tokens', 'internal surface'],
    ['/api/v1/ordersX', 'prefix lookalike'],
    ['/api/v1/auth/login/..%2F..%2Fusers/me', 'encoded dot segments under a public path'],
  ])('%s (%s) → 404 problem+json, nothing forwarded', async (url) => {
    const before = [...echoes.values()].reduce((n, e) => n + e.hits.length, 0);
    const res = await gw.inject({ method: 'GET', url, headers: bearer() });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 404, code: 'ALP_REQUEST_NOT_FOUND' });
    expect([...echoes.values()].reduce((n, e) => n + e.hits.length, 0)).toBe(before);
  });
});

describe('authentication at the edge', () => {
  test.each([
    '/api/v1/auth/login',
    '/api/v1/auth/register',
    '/api/v1/auth/refresh',
    '/api/v1/auth/logout',
    '/.well-known/jwks.json',
  ])('public %s passes without a token', async (url) => {
    const res = await gw.inject({ method: url.includes('jwks') ? 'GET' : 'POST', url });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ upstream: 'auth', url });
  });

  test.each([
    '/api/v1/auth/me',
    '/api/v1/auth/login/x',
    '/api/v1/users/me',
    '/api/v1/orders',
    '/graphql',
  ])('protected %s without a token → 401, never forwarded', async (url) => {
    const before = [...echoes.values()].reduce((n, e) => n + e.hits.length, 0);
    const res = await gw.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="alphintra"');
    expect(res.json()).toMatchObject({ status: 401, code: 'ALP_AUTH_TOKEN_MISSING' });
    expect([...echoes.values()].reduce((n, e) => n + e.hits.length, 0)).toBe(before);
  });

  test('a non-bearer Authorization is 401 ALP_AUTH_TOKEN_INVALID', async () => {
    const res = await gw.inject({
      method: 'GET',
      url: '/api/v1/orders',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  describe('every JWT attack gets 401 at the gateway', () => {
    let canary: Server;
    let canaryHits = 0;
    let canaryUrl = '';
    beforeAll(async () => {
      canary = createServer((_req, res) => {
        canaryHits += 1;
        res.end('{}');
      });
      await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
      canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(() => new Promise<void>((r) => canary.close(() => r())));

    test('each attack → 401 problem+json, nothing forwarded, the canary is never called', async () => {
      const before = hitsOf('trading').length;
      const results: [string, number, string][] = [];
      for (const [name, token] of attackTokens(canaryUrl)) {
        const res = await gw.inject({
          method: 'GET',
          url: '/api/v1/orders',
          headers: { authorization: `Bearer ${token}` },
        });
        results.push([name, res.statusCode, res.headers['content-type'] as string]);
      }
      expect(results.filter(([, status]) => status !== 401)).toEqual([]);
      expect(new Set(results.map(([, , type]) => type))).toEqual(
        new Set(['application/problem+json; charset=utf-8']),
      );
      expect(results.length).toBe(22);
      expect(hitsOf('trading').length).toBe(before);
      expect(canaryHits).toBe(0);
    });
  });

  test('a valid token is forwarded unchanged', async () => {
    const headers = bearer('user-42');
    await gw.inject({ method: 'GET', url: '/api/v1/positions', headers });
    expect(hitsOf('trading').at(-1)!.headers.authorization).toBe(headers.authorization);
  });
});

describe('forwarded request', () => {
  test('x-request-id is propagated to the upstream and echoed', async () => {
    const res = await gw.inject({
      method: 'GET',
      url: '/api/v1/risk/limits',
      headers: { ...bearer(), 'x-request-id': 'req-12345678' },
    });
    expect(res.headers['x-request-id']).toBe('req-12345678');
    expect(hitsOf('risk').at(-1)!.headers['x-request-id']).toBe('req-12345678');
  });

  test('a request id is generated when absent and is the same at the upstream', async () => {
    const res = await gw.inject({ method: 'GET', url: '/api/v1/risk/limits', headers: bearer() });
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(hitsOf('risk').at(-1)!.headers['x-request-id']).toBe(id);
  });

  test('traceparent: same trace id, a new span id for the hop', async () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await gw.inject({
      method: 'GET',
      url: '/api/v1/risk/limits',
      headers: { ...bearer(), traceparent: incoming },
    });
    const sent = hitsOf('risk').at(-1)!.headers.traceparent as string;
    expect(sent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(sent.split('-')[2]).not.toBe('00f067aa0ba902b7');
  });

  test('a trace is started when the client sends none', async () => {
    await gw.inject({ method: 'GET', url: '/api/v1/risk/limits', headers: bearer() });
    expect(hitsOf('risk').at(-1)!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  test('hop-by-hop headers are stripped both ways; end-to-end ones pass', async () => {
    const res = await gw.inject({
      method: 'GET',
      url: '/api/v1/risk/limits',
      headers: {
        ...bearer(),
        connection: 'x-hop',
        'x-hop': 'secret',
        'proxy-authorization': 'Basic x',
        te: 'trailers',
        'x-custom': 'kept',
      },
    });
    const seen = hitsOf('risk').at(-1)!.headers;
    expect(seen['x-hop']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['x-custom']).toBe('kept');
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(res.headers['keep-alive']).toBeUndefined();
  });

  test('the body is forwarded byte for byte with its content type', async () => {
    const payload = '{"symbol":"AAPL","qty":"10.5","note":"héllo"}';
    const res = await gw.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { ...bearer(), 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      payload,
    });
    expect(res.statusCode).toBe(200);
    const hit = hitsOf('trading').at(-1)!;
    expect(hit.body).toBe(payload);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['content-length']).toBe(String(Buffer.byteLength(payload)));
    expect(hit.headers['idempotency-key']).toBe('k-1');
  });

  test('a body over the limit → 413 problem+json, nothing forwarded', async () => {
    const before = hitsOf('trading').length;
    const res = await gw.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { ...bearer(), 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(2048, 1),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'ALP_REQUEST_TOO_LARGE' });
    expect(hitsOf('trading').length).toBe(before);
  });

  test('upstream status and headers come back (a 4xx passes through as is)', async () => {
    const res = await gw.inject({
      method: 'GET',
      url: '/api/v1/users/nobody?status=404',
      headers: bearer(),
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-upstream']).toBe('user');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('CORS and security headers', () => {
  const origin = 'https://app.alphintra.dev';

  test('an allowed origin is reflected with credentials', async () => {
    const res = await gw.inject({
      method: 'GET',
      url: '/api/v1/orders',
      headers: { ...bearer(), origin },
    });
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-expose-headers']).toContain('x-ratelimit-remaining');
  });

  test('an unknown origin is never reflected (and no *)', async () => {
    const res = await gw.inject({
      method: 'GET',
      url: '/api/v1/orders',
      headers: { ...bearer(), origin: 'https://evil.example' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin');
  });

  test('preflight from an allowed origin is answered at the edge without a token', async () => {
    const before = hitsOf('trading').length;
    const res = await gw.inject({
      method: 'OPTIONS',
      url: '/api/v1/orders',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers.vary).toContain('Origin');
    expect(hitsOf('trading').length).toBe(before);
  });

  test('a preflight from an unknown origin gets 204 and no grant', async () => {
    const res = await gw.inject({
      method: 'OPTIONS',
      url: '/api/v1/orders',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  test('a bare OPTIONS is answered at the edge too (204, no CORS grant, not forwarded)', async () => {
    const before = hitsOf('trading').length;
    const res = await gw.inject({ method: 'OPTIONS', url: '/api/v1/orders' });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(hitsOf('trading').length).toBe(before);
  });

  test('CORS_ORIGINS=* is refused at start', async () => {
    await expect(gateway({ CORS_ORIGINS: '*' })).rejects.toThrow(/\* is not allowed/);
  });

  test('security headers on proxied answers, gateway errors, unknown routes, oversize bodies and health', async () => {
    const answers = [
      await gw.inject({ method: 'GET', url: '/api/v1/orders', headers: bearer() }),
      await gw.inject({ method: 'GET', url: '/api/v1/orders' }),
      await gw.inject({ method: 'GET', url: '/no-such-area' }),
      await gw.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { ...bearer(), 'content-type': 'application/json' },
        payload: 'x'.repeat(300 * 1024),
      }),
      await gw.inject({ method: 'GET', url: '/health/live' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 404, 413, 200]);
    for (const res of answers) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});

describe('rate limiting (in-process store)', () => {
  let limited: FastifyInstance;
  beforeAll(async () => {
    limited = await gateway({ RATE_LIMIT_MAX: 3, RATE_LIMIT_WINDOW_MS: 60_000 });
  });
  afterAll(() => limited.close());

  test('exactly the limit passes per user; the next is 429 with Retry-After', async () => {
    const headers = bearer('limited-user');
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await limited.inject({ method: 'GET', url: '/api/v1/orders', headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      remaining.push(res.headers['x-ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await limited.inject({ method: 'GET', url: '/api/v1/orders', headers });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(refused.json()).toMatchObject({ status: 429, code: 'ALP_GATEWAY_RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
  });

  test('another user has their own bucket; anonymous requests are limited by IP', async () => {
    const res = await limited.inject({
      method: 'GET',
      url: '/api/v1/orders',
      headers: bearer('u2'),
    });
    expect(res.headers['x-ratelimit-remaining']).toBe('2');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await limited.inject({ method: 'POST', url: '/api/v1/auth/login' })).statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test('the rejection is counted in /metrics', async () => {
    const text = (await limited.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/gateway_rate_limit_rejections_total\{key_kind="user"[^}]*\} 1/);
    expect(text).toMatch(/gateway_rate_limit_rejections_total\{key_kind="ip"[^}]*\} 1/);
  });
});

describe('metrics', () => {
  test('breaker state per upstream and upstream histogram are exported', async () => {
    const text = (await gw.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of routed) {
      expect(text).toContain(`gateway_circuit_breaker_state{upstream="${name}",`);
    }
    expect(text).toMatch(/gateway_circuit_breaker_state\{upstream="trading"[^}]*\} 0/);
    const count =
      /gateway_upstream_request_duration_seconds_count\{[^}]*upstream="trading",method="GET",outcome="200"[^}]*\} (\d+)/.exec(
        text,
      );
    expect(Number(count?.[1])).toBeGreaterThan(0);
  });
});
