import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { createStaticResolver } from '../platform/discovery/index.js';
import { createStaticKeySet } from '../platform/security/index.js';
import { freePort } from '../../test/support/free-port.js';
import { build, type GatewayDeps } from './app.js';
import { startEcho, type EchoUpstream } from './testing/echo-upstream.js';
import { gatewayConfig } from './testing/gateway-config.js';
import { accessToken, jwks } from './testing/tokens.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function echo(name: string, port = 0): Promise<EchoUpstream> {
  const e = await startEcho(name, port);
  cleanup.push(() => e.close().catch(() => undefined));
  return e;
}

async function gateway(urls: Record<string, string | string[]>, deps: GatewayDeps = {}) {
  const app = await build(
    gatewayConfig({ RATE_LIMIT_MAX: 10_000 }),
    { logger: false },
    {
      keys: createStaticKeySet(jwks),
      resolver: createStaticResolver(urls),
      ...deps,
    },
  );
  cleanup.push(() => app.close());
  return app;
}

const auth = { authorization: `Bearer ${accessToken()}` };
const get = (app: FastifyInstance, url: string) =>
  app.inject({ method: 'GET', url, headers: auth });
const metricValue = async (app: FastifyInstance, re: RegExp) =>
  Number(re.exec((await app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);

describe('circuit breaker per upstream', () => {
  test('upstream down: calls fail, then fail fast with 503 CIRCUIT_OPEN; back up: it closes', async () => {
    const port = await freePort();
    let risk = await echo('risk', port);
    const app = await gateway(
      { risk: risk.url },
      {
        breaker: { windowSize: 10, minimumCalls: 4, openStateMs: 300, halfOpenTrials: 2 },
        retry: { maxAttempts: 1 },
      },
    );
    expect((await get(app, '/api/v1/risk/limits')).statusCode).toBe(200);

    await risk.close();
    const failures: number[] = [];
    for (let i = 0; i < 3; i += 1)
      failures.push((await get(app, '/api/v1/risk/limits')).statusCode);
    expect(failures).toEqual([502, 502, 502]);
    // 3 failures in 4 calls (75 % ≥ 50 %, minimum 4 calls reached): the breaker is open now.

    const started = performance.now();
    const open = await get(app, '/api/v1/risk/limits');
    const ms = performance.now() - started;
    console.log(`open breaker answered in ${ms.toFixed(2)} ms`);
    expect(open.statusCode).toBe(503);
    expect(open.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(open.json()).toMatchObject({ code: 'ALP_GATEWAY_CIRCUIT_OPEN', status: 503 });
    expect(open.headers['retry-after']).toBe('1');
    expect(ms).toBeLessThan(1_000); // far below the 5 s call timeout
    expect(
      await metricValue(app, /gateway_circuit_breaker_state\{upstream="risk"[^}]*\} (\d)/),
    ).toBe(2);

    risk = await echo('risk', port);
    await new Promise((r) => setTimeout(r, 350));
    const after: number[] = [];
    for (let i = 0; i < 3; i += 1) after.push((await get(app, '/api/v1/risk/limits')).statusCode);
    expect(after).toEqual([200, 200, 200]);
    expect(
      await metricValue(app, /gateway_circuit_breaker_state\{upstream="risk"[^}]*\} (\d)/),
    ).toBe(0);
  });

  test('4xx answers do not count as failures', async () => {
    const risk = await echo('risk');
    const app = await gateway(
      { risk: risk.url },
      { breaker: { windowSize: 4, minimumCalls: 2, openStateMs: 60_000 } },
    );
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await get(app, '/api/v1/risk/x?status=404')).statusCode);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);
    expect((await get(app, '/api/v1/risk/x')).statusCode).toBe(200);
  });

  test('a slow upstream: 504 after the call timeout, and the upstream request is aborted', async () => {
    const risk = await echo('risk');
    const app = await gateway(
      { risk: risk.url },
      { breaker: { callTimeoutMs: 200 }, retry: { maxAttempts: 1 } },
    );
    const started = performance.now();
    const res = await get(app, '/api/v1/risk/slow?delay=3000');
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ code: 'ALP_GATEWAY_UPSTREAM_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(2_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(risk.aborted()).toBe(1);
  });
});

describe('retries', () => {
  test('a GET is retried on a second instance when the first refuses connections', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const alive = await echo('broker');
    const app = await gateway({ broker: [dead, alive.url] }, { retry: { baseDelayMs: 1 } });
    const res = await get(app, '/api/v1/market/quotes/AAPL');
    expect(res.statusCode).toBe(200);
    expect(alive.hits.map((h) => h.url)).toEqual(['/api/v1/market/quotes/AAPL']);
    expect(
      await metricValue(
        app,
        /gateway_upstream_retries_total\{upstream="broker",outcome="ECONNREFUSED"[^}]*\} (\d+)/,
      ),
    ).toBe(1);
  });

  test('a POST is never retried', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const alive = await echo('broker');
    const app = await gateway({ broker: [dead, alive.url] }, { retry: { baseDelayMs: 1 } });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'ALP_GATEWAY_UPSTREAM_FAILED' });
    expect(alive.hits).toEqual([]);
  });

  test('a 503 answer to a GET is retried on another instance', async () => {
    const a = await echo('broker');
    const b = await echo('broker');
    const app = await gateway({ broker: [a.url, b.url] }, { retry: { baseDelayMs: 1 } });
    // Both see `status=503`; the retry happens once, then the answer is passed through.
    const res = await get(app, '/api/v1/market/x?status=503');
    expect(res.statusCode).toBe(503);
    expect(a.hits.length + b.hits.length).toBe(2);
    expect(a.hits.length).toBe(1);
  });

  test('no instance at all → 503 ALP_GATEWAY_UPSTREAM_UNAVAILABLE', async () => {
    const app = await gateway({});
    const res = await get(app, '/api/v1/market/x');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'ALP_GATEWAY_UPSTREAM_UNAVAILABLE' });
    expect(res.headers['retry-after']).toBe('1');
  });
});
