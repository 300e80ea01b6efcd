import { afterEach, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { catalog } from '../catalog.js';
import { serviceConfigSchema, parseConfig } from './config.js';
import { createService, type ServiceDefinition } from './create-service.js';
import { defineErrors } from './errors.js';
import { EVENT_LOOP_SAMPLE_MS } from './plugins/metrics.js';

// graphql-gateway uses neither Postgres nor Redis, so this builds with no external parts.
const schema = serviceConfigSchema(catalog['graphql-gateway']);
const errors = defineErrors({ ALP_THINGS_GONE: { status: 410, message: 'thing %s is gone' } });

const definition: ServiceDefinition<typeof schema> = {
  name: 'graphql-gateway',
  schema,
  capabilities: { implemented: ['a'], pending: ['b'] },
  routes: async (app) => {
    app.get('/things/:id', async (req) => {
      throw new errors.ALP_THINGS_GONE((req.params as { id: string }).id);
    });
    app.get('/boom', async () => {
      throw new Error('secret detail at /srv/app.js:12');
    });
    app.get('/ip', async (req) => ({ ip: req.ip }));
    app.get('/events', async (_req, reply) =>
      reply.header('content-type', 'text/event-stream; charset=utf-8').send('data: x\n\n'),
    );
    app.post(
      '/echo',
      { schema: { body: Type.Object({ n: Type.String() }, { additionalProperties: false }) } },
      async (req) => req.body,
    );
  },
};

const config = parseConfig(schema, {
  SERVICE_NAME: 'graphql-gateway',
  PORT: 0,
  LOG_LEVEL: 'silent',
  AUTH_URL: 'http://127.0.0.1:1',
  USER_URL: 'http://127.0.0.1:1',
  TRADING_URL: 'http://127.0.0.1:1',
  BROKER_URL: 'http://127.0.0.1:1',
  JWT_ISSUER: 'http://127.0.0.1:1',
  JWT_AUDIENCE: 'alphintra',
  SERVICE_CREDENTIAL: 'c'.repeat(43),
});

let app: FastifyInstance;
afterEach(async () => app?.close());

async function build(edge = false): Promise<FastifyInstance> {
  app = await createService({ ...definition, ...(edge && { edge }) }, config, { bodyLimit: 64 });
  return app;
}

describe('createService', () => {
  describe('request.ip: behind the gateway, the one X-Forwarded-For hop it appended', () => {
    const ipOf = async (remoteAddress: string, xff?: string, edge = false) =>
      (
        await (
          await build(edge)
        ).inject({ url: '/ip', remoteAddress, headers: xff ? { 'x-forwarded-for': xff } : {} })
      ).json<{ ip: string }>().ip;

    test('from an internal peer: the last entry, never an earlier (client-written) one', async () => {
      expect(await ipOf('127.0.0.1', '127.0.0.5')).toBe('127.0.0.5');
      expect(await ipOf('127.0.0.1', '198.51.100.1, 127.0.0.6')).toBe('127.0.0.6');
      expect(await ipOf('10.1.2.3', '203.0.113.9')).toBe('203.0.113.9');
      expect(await ipOf('::ffff:192.168.1.4', '203.0.113.9')).toBe('203.0.113.9');
      expect(await ipOf('127.0.0.1')).toBe('127.0.0.1');
    });

    test('from a public peer the header is ignored', async () => {
      expect(await ipOf('203.0.113.50', '127.0.0.5')).toBe('203.0.113.50');
    });

    test('at the edge (the gateway) the header is ignored', async () => {
      expect(await ipOf('127.0.0.1', '203.0.113.9', true)).toBe('127.0.0.1');
    });
  });

  test('GET / describes the service honestly', async () => {
    const res = await (await build()).inject({ url: '/' });
    expect(res.json()).toEqual({
      service: 'graphql-gateway',
      summary: catalog['graphql-gateway'].summary,
      instance: '0',
      profile: 'dev',
      implemented: ['a'],
      pending: ['b'],
    });
  });

  test('a registry error becomes problem+json with its status, code and the request id', async () => {
    const res = await (
      await build()
    ).inject({ url: '/things/7', headers: { 'x-request-id': 'req-12345678' } });
    expect(res.statusCode).toBe(410);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['x-request-id']).toBe('req-12345678');
    expect(res.json()).toEqual({
      type: 'https://alphintra.dev/problems/alp-things-gone',
      title: 'Error',
      status: 410,
      detail: 'thing 7 is gone',
      instance: '/things/7',
      code: 'ALP_THINGS_GONE',
      requestId: 'req-12345678',
    });
  });

  test('an unknown error is a generic 500 that leaks no detail', async () => {
    const res = await (await build()).inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'ALP_PLATFORM_INTERNAL', detail: 'internal error' });
    expect(res.body).not.toContain('secret');
  });

  test('validation errors are 400 ALP_REQUEST_INVALID; unknown routes 404; big bodies 413', async () => {
    const a = await build();
    const invalid = await a.inject({ method: 'POST', url: '/echo', payload: { n: 1, x: 2 } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().code).toBe('ALP_REQUEST_INVALID');
    const unknown = await a.inject({ method: 'POST', url: '/echo', payload: { n: '1', x: 2 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toBe('body must NOT have additional properties');
    const missing = await a.inject({ url: '/nope?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      code: 'ALP_REQUEST_NOT_FOUND',
      detail: 'no route for GET /nope',
    });
    const big = await a.inject({ method: 'POST', url: '/echo', payload: { n: 'x'.repeat(100) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('ALP_REQUEST_TOO_LARGE');
  });

  test('a malformed request id is replaced, never echoed', async () => {
    const res = await (await build()).inject({ url: '/', headers: { 'x-request-id': 'bad\nid' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('/health/live and /health/ready answer; readiness follows checks and draining', async () => {
    const a = await build();
    let up = true;
    a.health.addCheck('thing', async () => {
      if (!up) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
    });
    expect((await a.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await a.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { thing: { ok: true } } });
    up = false;
    const down = await a.inject({ url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      status: 'not_ready',
      checks: { thing: { ok: false, error: 'ECONNREFUSED' } },
    });
    up = true;
    a.health.startDraining();
    const draining = await a.inject({ url: '/health/ready' });
    expect(draining.statusCode).toBe(503);
    expect(draining.json().status).toBe('draining');
  });

  test('/metrics exports the HTTP histogram by route template', async () => {
    const a = await build();
    await a.inject({ url: '/things/1' });
    await a.inject({ url: '/things/2' });
    const text = (await a.inject({ url: '/metrics' })).body;
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{service="graphql-gateway",instance="0",method="GET",route="\/things\/:id",status_code="410"\} 2/,
    );
    expect(text).toContain('process_resident_memory_bytes');
  });

  test('a Server-Sent Events stream is not a request duration (its life would fill the p99)', async () => {
    const a = await build();
    expect((await a.inject({ url: '/events' })).statusCode).toBe(200);
    await a.inject({ url: '/things/1' });
    const text = (await a.inject({ url: '/metrics?name=http_request_duration_seconds' })).body;
    expect(text).toMatch(/route="\/things\/:id"/);
    expect(text).not.toMatch(/route="\/events"/);
  });

  test('/metrics?name= answers only the named metrics, leaving out names it does not hold', async () => {
    const a = await build();
    await a.inject({ url: '/things/1' });
    const one = await a.inject({ url: '/metrics?name=http_request_duration_seconds' });
    expect(one.statusCode).toBe(200);
    expect(one.headers['content-type']).toContain('text/plain');
    expect(one.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(one.body).toMatch(/http_request_duration_seconds_count\{service="graphql-gateway"/);
    expect(one.body).not.toContain('process_resident_memory_bytes');
    const two = (
      await a.inject({
        url: '/metrics?name=process_resident_memory_bytes&name=no_such_metric&name=a%20b&name=nodejs_gc_duration_seconds',
      })
    ).body;
    expect(two).toContain('# TYPE process_resident_memory_bytes gauge');
    expect(two).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    expect(two).not.toContain('http_request_duration_seconds');
    expect(two).not.toContain('no_such_metric');
    const none = await a.inject({ url: '/metrics?name=no_such_metric' });
    expect([none.statusCode, none.body]).toEqual([200, '']);
  });

  test('/metrics?name= counts a collection the request itself set off in its own answer', async () => {
    const a = await build();
    let churn = false;
    a.addHook('onRequest', async () => {
      if (!churn) return;
      let kept: { i: number }[] | null = [];
      for (let i = 0; i < 2_000_000; i++) kept.push({ i });
      kept = null;
    });
    const url = '/metrics?name=nodejs_gc_duration_seconds';
    const collections = (body: string) =>
      [...body.matchAll(/^nodejs_gc_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    const before = collections((await a.inject({ url })).body);
    churn = true;
    const during = collections((await a.inject({ url })).body);
    expect(during).toBeGreaterThan(before);
  });

  test('/metrics samples the event-loop delay every EVENT_LOOP_SAMPLE_MS, not every 10 ms', async () => {
    const a = await build();
    await a.inject({ url: '/metrics' }); // the read resets the delay histogram
    await new Promise((r) => setTimeout(r, EVENT_LOOP_SAMPLE_MS * 3.5));
    const text = (await a.inject({ url: '/metrics' })).body;
    const gauge = (name: string) =>
      Number(
        new RegExp(`nodejs_eventloop_lag_${name}_seconds\\{[^}]*\\} ([\\d.e+-]+)`).exec(text)?.[1],
      );
    // Node records the time between samples: never shorter than the interval asked for.
    expect(gauge('min')).toBeGreaterThanOrEqual((EVENT_LOOP_SAMPLE_MS * 0.9) / 1000);
    expect(gauge('max')).toBeGreaterThanOrEqual(gauge('min'));
  });
});
