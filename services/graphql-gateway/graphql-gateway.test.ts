import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { catalog, SERVICE_NAMES } from '../catalog.js';
import { parseConfig, type Profile } from '../platform/index.js';
import { build } from './app.js';
import { configSchema } from './config.js';
import { isProduction, profileOf } from './profile.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

const configFor = (profile?: Profile) =>
  parseConfig(configSchema, {
    SERVICE_NAME: 'graphql-gateway',
    PORT: 0,
    LOG_LEVEL: 'silent',
    ...(profile ? { ALPHINTRA_PROFILE: profile } : {}),
    AUTH_URL: 'http://127.0.0.1:1',
    JWT_ISSUER: 'http://127.0.0.1:1',
    JWT_AUDIENCE: 'alphintra',
    SERVICE_CREDENTIAL: 'c'.repeat(43),
    USER_URL: 'http://127.0.0.1:1',
    TRADING_URL: 'http://127.0.0.1:1',
    BROKER_URL: 'http://127.0.0.1:1',
  });

async function start(profile?: Profile): Promise<FastifyInstance> {
  const app = await build(configFor(profile), { logger: false });
  apps.push(app);
  return app;
}

const post = (app: FastifyInstance, query: string) =>
  app.inject({ method: 'POST', url: '/graphql', payload: { query } });

const PLATFORM_QUERY = '{ platform { services { name summary port dependsOn } } }';
const INTROSPECTION = '{ __schema { queryType { name } } }';
// Ten levels of selection: one more than the platform query could ever need.
const DEEP =
  '{ platform { services { dependencies { dependencies { dependencies { dependencies { dependencies { dependencies { dependencies { name } } } } } } } } } }';

describe('profile helper', () => {
  test.each([
    [undefined, 'dev', false],
    ['dev', 'dev', false],
    ['test', 'test', false],
    ['prod', 'prod', true],
  ] as const)('ALPHINTRA_PROFILE=%s is %s (production: %s)', (profile, name, production) => {
    const config = configFor(profile);
    expect(profileOf(config)).toBe(name);
    expect(isProduction(config)).toBe(production);
  });
});

describe('graphql-gateway', () => {
  test('GET / lists what the graph serves and what is still pending', async () => {
    const res = await (await start()).inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      service: 'graphql-gateway',
      implemented: [
        'platform kit: health, metrics, problem+json errors',
        'POST/GET /graphql (Mercurius): query { platform { services { name summary port dependsOn dependencies } } } from the service catalog',
        'query depth limit (8); introspection off in the prod profile',
        'auth: the access token is verified here and forwarded to user, trading and broker, which scope the data to the caller',
        'query { me } (user), { orders(limit) order(id) positions } (trading), { quotes(symbols) } (broker); decimals as strings',
        'mutation { placeOrder(input, idempotencyKey) cancelOrder(id) } forwarded to trading (Idempotency-Key)',
        'subscription { orderUpdated(id) myOrders } over WebSocket (graphql-transport-ws or graphql-ws), polling trading every 250 ms',
        'alias (10) and field (300) limits per operation',
      ],
      pending: [
        'subscriptions fed by platform events instead of polling',
        'notifications in the graph',
      ],
    });
  });

  test('POST /graphql answers the platform query from the catalog', async () => {
    const res = await post(await start(), PLATFORM_QUERY);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: {
        platform: {
          services: SERVICE_NAMES.map((name) => ({
            name,
            summary: catalog[name].summary,
            port: catalog[name].port,
            dependsOn: [...catalog[name].dependsOn],
          })),
        },
      },
    });
  });

  test('the answer pins real values (catalog drift shows up here)', async () => {
    const res = await post(await start(), PLATFORM_QUERY);
    const services = res.json<{
      data: { platform: { services: { name: string; port: number; dependsOn: string[] }[] } };
    }>().data.platform.services;
    expect(services.find((s) => s.name === 'no-code')).toEqual({
      name: 'no-code',
      summary: 'Visual workflows compiled into strategies',
      port: 4031,
      dependsOn: ['auth', 'strategy'],
    });
    expect(services).toHaveLength(10);
  });

  test('GET /graphql runs a query from the query string', async () => {
    const app = await start();
    const res = await app.inject({
      url: `/graphql?query=${encodeURIComponent('{ platform { services { name dependencies { name } } } }')}`,
    });
    expect(res.statusCode).toBe(200);
    const services = res.json<{
      data: { platform: { services: { name: string; dependencies: { name: string }[] }[] } };
    }>().data.platform.services;
    expect(services.find((s) => s.name === 'strategy')).toEqual({
      name: 'strategy',
      dependencies: [{ name: 'auth' }, { name: 'trading' }, { name: 'broker' }],
    });
  });

  test.each(['dev', 'prod'] as const)(
    'a query deeper than 8 levels is refused (%s)',
    async (profile) => {
      const res = await post(await start(profile), DEEP);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        data: null,
        errors: [{ message: '`unnamedQuery query depth (10) exceeds the query depth limit of 8`' }],
      });
    },
  );

  test('introspection works outside prod', async () => {
    const res = await post(await start('dev'), INTROSPECTION);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  test('introspection is refused in prod; __typename still works', async () => {
    const app = await start('prod');
    const res = await post(app, INTROSPECTION);
    // Mercurius answers 200 when validation reports more than one error (GraphQL over HTTP).
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: null,
      errors: [
        {
          message:
            'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
          locations: [{ line: 1, column: 3 }],
        },
        {
          message:
            'GraphQL introspection has been disabled, but the requested query contained the field "queryType".',
          locations: [{ line: 1, column: 14 }],
        },
      ],
    });
    const typename = await post(app, '{ __typename }');
    expect(typename.json()).toEqual({ data: { __typename: 'Query' } });
  });

  test('an unknown field is a 400 with the GraphQL error', async () => {
    const res = await post(await start(), '{ accounts { id } }');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      data: null,
      errors: [
        {
          message: 'Cannot query field "accounts" on type "Query".',
          locations: [{ line: 1, column: 3 }],
        },
      ],
    });
  });

  test('GraphiQL is not served', async () => {
    const res = await (await start()).inject({ url: '/graphiql' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ALP_REQUEST_NOT_FOUND' });
  });

  test('batched queries are refused', async () => {
    const res = await (
      await start()
    ).inject({
      method: 'POST',
      url: '/graphql',
      payload: [{ query: '{ __typename }' }, { query: '{ __typename }' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ data: null, errors: [{ message: 'body must be object' }] });
  });
});
