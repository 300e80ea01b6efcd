import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createTestIdentity,
  jwtAttacks,
  TEST_AUDIENCE,
  TEST_ISSUER,
} from '../../../test/support/identity.js';
import { catalog } from '../../catalog.js';
import { parseConfig, serviceConfigSchema } from '../config.js';
import { createService, type ServiceDefinition } from '../create-service.js';

// graphql-gateway needs neither Postgres nor Redis, so this builds with no external parts;
// AUTH_URL points nowhere: the keys come from BuildOptions.keys.
const schema = serviceConfigSchema(catalog['graphql-gateway']);
const config = parseConfig(schema, {
  SERVICE_NAME: 'graphql-gateway',
  PORT: 0,
  LOG_LEVEL: 'silent',
  AUTH_URL: 'http://127.0.0.1:1',
  USER_URL: 'http://127.0.0.1:1',
  TRADING_URL: 'http://127.0.0.1:1',
  BROKER_URL: 'http://127.0.0.1:1',
  JWT_ISSUER: TEST_ISSUER,
  JWT_AUDIENCE: TEST_AUDIENCE,
  SERVICE_CREDENTIAL: 'c'.repeat(43),
});

const definition: ServiceDefinition<typeof schema> = {
  name: 'graphql-gateway',
  schema,
  capabilities: { implemented: [], pending: [] },
  routes: async (app) => {
    app.get('/me', { preHandler: app.authenticate }, async (req) => req.user);
    app.get(
      '/admin',
      { preHandler: [app.authenticate, app.requireRole('admin', 'risk-officer')] },
      async () => ({ ok: true }),
    );
    app.get('/internal/any', { preHandler: app.authenticateService() }, async (req) => req.caller);
    app.get(
      '/internal/from-auth',
      { preHandler: app.authenticateService(['auth']) },
      async (req) => req.caller,
    );
  },
};

const id = createTestIdentity();
const user = { id: randomUUID(), roles: ['admin'] };
let app: FastifyInstance;
let canary: Server;
let canaryUrl = '';
let canaryHits = 0;

beforeAll(async () => {
  canary = createServer((_req, res) => {
    canaryHits += 1;
    res.end('{"keys":[]}');
  });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/jwks.json`;
  app = await createService(definition, config, { logger: false, keys: id.keys });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((r) => canary.close(() => r()));
});

const get = (url: string, authorization?: string) =>
  app.inject({ url, headers: authorization === undefined ? {} : { authorization } });

describe('app.authenticate', () => {
  test('a valid access token sets request.user', async () => {
    const res = await get('/me', `Bearer ${id.accessToken(user)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: user.id, roles: ['admin'] });
  });

  test('no token: 401 ALP_AUTH_TOKEN_MISSING with a Bearer challenge', async () => {
    const res = await get('/me');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="alphintra"');
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({
      status: 401,
      code: 'ALP_AUTH_TOKEN_MISSING',
      detail: 'an access token is required',
    });
  });

  test('Basic scheme: 401 ALP_AUTH_TOKEN_INVALID', async () => {
    const res = await get('/me', 'Basic dXNlcjpwYXNz');
    expect(res.json()).toMatchObject({ status: 401, code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  describe('the JWT attack matrix (issue 4), against a service called directly', () => {
    // The canary URL is read when a token is made: it exists only once beforeAll ran.
    test.each(jwtAttacks(id, user, () => canaryUrl))(
      '%s → 401, generic message',
      async (_n, make) => {
        const res = await get('/me', `Bearer ${make()}`);
        expect(res.statusCode).toBe(401);
        const body = res.json();
        expect(['ALP_AUTH_TOKEN_INVALID', 'ALP_AUTH_TOKEN_EXPIRED']).toContain(body.code);
        expect(['the token is invalid', 'the token has expired']).toContain(body.detail);
      },
    );

    test('the jku/x5u canary received no request', () => {
      expect(canaryHits).toBe(0);
    });
  });
});

describe('app.requireRole', () => {
  test.each([
    [['admin'], 200],
    [['risk-officer'], 200],
    [['trader'], 403],
    [[], 403],
  ])('roles %j → %i', async (roles, status) => {
    const res = await get('/admin', `Bearer ${id.accessToken({ id: user.id, roles })}`);
    expect(res.statusCode).toBe(status);
    if (status === 403) {
      expect(res.json()).toMatchObject({
        code: 'ALP_AUTH_FORBIDDEN',
        detail: 'you may not do this',
      });
    }
  });
});

describe('app.authenticateService', () => {
  test('a service token addressed to this service passes and sets request.caller', async () => {
    const res = await get('/internal/any', `Bearer ${id.serviceToken('user', 'graphql-gateway')}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'user' });
  });

  test.each([
    ['a user access token', () => id.accessToken(user), 401, 'ALP_AUTH_TOKEN_INVALID'],
    [
      'a service token for another service',
      () => id.serviceToken('user', 'trading'),
      401,
      'ALP_AUTH_TOKEN_INVALID',
    ],
    [
      'a service token from another issuer',
      () => id.serviceToken('user', 'graphql-gateway', { iss: 'evil' }),
      401,
      'ALP_AUTH_TOKEN_INVALID',
    ],
  ])('%s → %i %s', async (_n, make, status, code) => {
    const res = await get('/internal/any', `Bearer ${make()}`);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code });
  });

  test('no token → 401 ALP_AUTH_TOKEN_MISSING', async () => {
    expect((await get('/internal/any')).json()).toMatchObject({
      status: 401,
      code: 'ALP_AUTH_TOKEN_MISSING',
    });
  });

  test('a caller outside allowedCallers → 403 ALP_AUTH_CALLER_FORBIDDEN', async () => {
    const ok = await get(
      '/internal/from-auth',
      `Bearer ${id.serviceToken('auth', 'graphql-gateway')}`,
    );
    expect(ok.statusCode).toBe(200);
    const res = await get(
      '/internal/from-auth',
      `Bearer ${id.serviceToken('user', 'graphql-gateway')}`,
    );
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'ALP_AUTH_CALLER_FORBIDDEN' });
  });
});

describe('default key source', () => {
  test('without injected keys, tokens are checked against AUTH_URL JWKS (unreachable → 503)', async () => {
    const plain = await createService(definition, config, { logger: false });
    try {
      const res = await plain.inject({
        url: '/me',
        headers: { authorization: `Bearer ${id.accessToken(user)}` },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_KEYS_UNAVAILABLE' });
    } finally {
      await plain.close();
    }
  });
});
