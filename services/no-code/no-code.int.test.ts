import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { createTestIdentity } from '../../test/support/identity.js';
import { parseConfig } from '../platform/index.js';
import { build } from './app.js';
import { configSchema } from './config.js';
import { smaCrossoverExample } from './domain/sma-crossover-example.js';
import { testServiceEnv } from '../../test/support/service-env.js';

const id = createTestIdentity();
// Same issuer, audience and kid as `id`, but its own key pair: its tokens must not verify.
const intruder = createTestIdentity({ kid: id.kid });
const alice = { id: randomUUID(), roles: ['trader'] };
const bearer = (token = id.accessToken(alice)) => ({ authorization: `Bearer ${token}` });

// build() applies the service's migrations, so even routes that do not touch the database
// need one: each run gets its own, dropped afterwards.
describe.skipIf(!ADMIN_DATABASE_URL)('no-code routes (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await createTestDatabase('nocode');
    const config = parseConfig(configSchema, testServiceEnv('no-code', db.url));
    app = await build(config, { logger: false, keys: id.keys });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: bearer(), payload: payload as object });

  test('GET / lists compile, templates and storage as implemented, editing as pending', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ implemented: string[]; pending: string[] }>();
    expect(body.implemented).toHaveLength(6);
    expect(body.pending).toContain('listing, editing and deleting stored workflows');
    expect(body.pending.filter((p) => /auth/i.test(p))).toEqual([]);
  });

  test('the components, validate, compile and template routes need a valid access token', async () => {
    const routes = [
      { method: 'GET', url: '/api/v1/workflows/components' },
      { method: 'POST', url: '/api/v1/workflows/validate', payload: smaCrossoverExample() },
      { method: 'POST', url: '/api/v1/workflows/compile', payload: smaCrossoverExample() },
      { method: 'GET', url: '/api/v1/workflows/templates' },
      {
        method: 'POST',
        url: '/api/v1/workflows/templates/sma-crossover/instantiate',
        payload: { parameters: { symbol: 'AAPL', fast: 10, slow: 30 } },
      },
    ] as const;
    for (const route of routes) {
      const res = await app.inject(route);
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.json(), `${route.method} ${route.url}`).toMatchObject({
        code: 'ALP_AUTH_TOKEN_MISSING',
      });
    }
    const forged = await app.inject({
      method: 'POST',
      url: '/api/v1/workflows/compile',
      headers: bearer(intruder.accessToken(alice)),
      payload: smaCrossoverExample(),
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  test('GET /api/v1/workflows/components lists the catalog with typed ports', async () => {
    const res = await app.inject({ url: '/api/v1/workflows/components', headers: bearer() });
    expect(res.statusCode).toBe(200);
    const { components } = res.json<{ components: { id: string; category: string }[] }>();
    expect(components.map((c) => `${c.category}:${c.id}`)).toEqual([
      'source:market-data',
      'indicator:sma',
      'indicator:ema',
      'indicator:rsi',
      'condition:crosses-above',
      'condition:crosses-below',
      'condition:greater-than',
      'action:buy',
      'action:sell',
      'risk:max-position',
    ]);
    expect(components[4]).toMatchObject({
      inputs: [
        { name: 'a', type: 'series', required: true },
        { name: 'b', type: 'series', required: true },
      ],
      outputs: [{ name: 'signal', type: 'signal' }],
      config: { type: 'object', additionalProperties: false, properties: {} },
    });
  });

  test('POST /validate accepts the SMA-crossover example', async () => {
    const res = await post('/api/v1/workflows/validate', smaCrossoverExample());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ valid: true });
  });

  test('POST /validate answers 400 ALP_WORKFLOW_INVALID with every finding', async () => {
    const w = smaCrossoverExample();
    w.edges.push({ from: { node: 'up', port: 'signal' }, to: { node: 'ghost', port: 'x' } });
    w.edges.push({ from: { node: 'md', port: 'volume' }, to: { node: 'fast', port: 'period' } });
    w.edges.push({ from: { node: 'up', port: 'x' }, to: { node: 'buy', port: 'y' } });
    w.edges[6] = { from: { node: 'fast', port: 'value' }, to: { node: 'buy', port: 'trigger' } };
    const res = await post('/api/v1/workflows/validate', w);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({
      status: 400,
      code: 'ALP_WORKFLOW_INVALID',
      detail:
        'workflow is invalid: edge 6: output fast.value is series but input buy.trigger expects signal (and 3 more)',
      findings: [
        {
          kind: 'port-type-mismatch',
          message: 'edge 6: output fast.value is series but input buy.trigger expects signal',
          nodes: ['fast', 'buy'],
          edge: 6,
        },
        {
          kind: 'dangling-edge',
          message: 'edge 8 refers to "ghost", which no node declares',
          nodes: ['up', 'ghost'],
          edge: 8,
        },
        {
          kind: 'unknown-port',
          message:
            'edge 9: "md" (market-data) has no output "volume"; "fast" (sma) has no input "period"',
          nodes: ['md', 'fast'],
          edge: 9,
        },
        {
          kind: 'unknown-port',
          message: 'edge 10: "up" (crosses-above) has no output "x"; "buy" (buy) has no input "y"',
          nodes: ['up', 'buy'],
          edge: 10,
        },
      ],
    });
  });

  test('POST /validate reports a cycle with the node ids in cycle order', async () => {
    const res = await post('/api/v1/workflows/validate', {
      nodes: [
        { id: 'a', component: 'ema', config: { period: 3 } },
        { id: 'b', component: 'sma', config: { period: 4 } },
      ],
      edges: [
        { from: { node: 'b', port: 'value' }, to: { node: 'a', port: 'source' } },
        { from: { node: 'a', port: 'value' }, to: { node: 'b', port: 'source' } },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      findings: [{ kind: 'cycle', message: 'cycle: a -> b -> a', nodes: ['a', 'b'] }],
    });
  });

  test('POST /validate refuses a malformed body before the domain sees it', async () => {
    const res = await post('/api/v1/workflows/validate', {
      nodes: [{ id: 'a b', component: 'sma' }],
      edges: [],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'ALP_REQUEST_INVALID',
      detail: 'body/nodes/0/id must match pattern "^[A-Za-z0-9_-]{1,64}$"',
    });
  });

  test('POST /compile returns the strategy definition', async () => {
    const res = await post('/api/v1/workflows/compile', smaCrossoverExample());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      type: 'sma-crossover',
      parameters: { symbol: 'AAPL', maxPosition: '100', timeframe: '1d', fast: 10, slow: 30 },
    });
  });

  test('POST /compile answers 400 for an invalid workflow', async () => {
    const w = smaCrossoverExample();
    w.nodes.push({ id: 'm', component: 'macd' });
    const res = await post('/api/v1/workflows/compile', w);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'ALP_WORKFLOW_INVALID',
      detail: 'workflow is invalid: node "m" uses unknown component "macd"',
    });
  });

  test('POST /compile answers 422 for a valid workflow of another shape', async () => {
    const w = smaCrossoverExample();
    w.nodes[1]!.config = { period: 50 };
    const res = await post('/api/v1/workflows/compile', w);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      status: 422,
      title: 'Unprocessable Content',
      code: 'ALP_WORKFLOW_NOT_COMPILABLE',
      problems: [
        'the fast SMA (fast.value, period 50) must be shorter than the slow SMA (slow.value, period 30)',
      ],
      expectedShape:
        'market-data -> two SMAs; crosses-above(a: fast SMA, b: slow SMA) -> buy; crosses-below(a: fast SMA, b: slow SMA) -> sell; optionally one max-position',
    });
  });
  test('GET /api/v1/workflows/templates lists the sma-crossover template and its parameters', async () => {
    const res = await app.inject({ url: '/api/v1/workflows/templates', headers: bearer() });
    expect(res.statusCode).toBe(200);
    const { templates } = res.json<{ templates: { id: string; parameters: unknown }[] }>();
    expect(templates.map((t) => t.id)).toEqual(['sma-crossover']);
    expect(templates[0]!.parameters).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['symbol', 'timeframe', 'fast', 'slow'],
      properties: { fast: { minimum: 1, maximum: 500 }, timeframe: { default: '1d' } },
    });
  });

  test('POST /templates/sma-crossover/instantiate builds a workflow that compiles to the parameters', async () => {
    const res = await post('/api/v1/workflows/templates/sma-crossover/instantiate', {
      parameters: { symbol: 'AAPL', fast: 10, slow: 30, maxPosition: '100.0' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ template: 'sma-crossover', workflow: smaCrossoverExample() });
    const bare = await post('/api/v1/workflows/templates/sma-crossover/instantiate', {
      parameters: { symbol: 'ETH-USD', timeframe: '4h', fast: 3, slow: 7 },
    });
    const { workflow } = bare.json<{ workflow: { nodes: { id: string }[] } }>();
    expect(workflow.nodes.map((n) => n.id)).not.toContain('cap');
    const compiled = await post('/api/v1/workflows/compile', workflow);
    expect(compiled.json()).toEqual({
      type: 'sma-crossover',
      parameters: { symbol: 'ETH-USD', timeframe: '4h', fast: 3, slow: 7 },
    });
  });

  test('instantiate refuses bad parameters with every problem, and unknown templates', async () => {
    const res = await post('/api/v1/workflows/templates/sma-crossover/instantiate', {
      parameters: { symbol: 'aapl', fast: 0, slow: 30, extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'ALP_WORKFLOW_TEMPLATE_PARAMETERS_INVALID',
      problems: expect.arrayContaining([
        { path: '/symbol', message: expect.stringContaining('upper-case symbol') },
        { path: '/fast', message: expect.any(String) },
        { path: '/extra', message: expect.any(String) },
      ]),
    });
    const order = await post('/api/v1/workflows/templates/sma-crossover/instantiate', {
      parameters: { symbol: 'AAPL', fast: 30, slow: 30 },
    });
    expect(order.json()).toMatchObject({
      code: 'ALP_WORKFLOW_TEMPLATE_PARAMETERS_INVALID',
      problems: [{ path: '/fast', message: 'Expected fast (30) to be less than slow (30)' }],
    });
    const unknown = await post('/api/v1/workflows/templates/macd/instantiate', { parameters: {} });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'ALP_WORKFLOW_TEMPLATE_NOT_FOUND',
      knownTemplates: ['sma-crossover'],
    });
  });
});
