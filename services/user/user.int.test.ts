import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import {
  createTestIdentity,
  jwtAttacks,
  TEST_AUDIENCE,
  TEST_ISSUER,
} from '../../test/support/identity.js';
import { parseConfig } from '../platform/index.js';
import {
  createServiceTokenSource,
  createServiceTokenVerifier,
} from '../platform/security/index.js';
import { build, definition } from './app.js';
import { createService } from '../platform/index.js';
import { applyOnce, createPgBossBus } from '../platform/events/index.js';
import { userRegisteredHandler } from './events/user-registered.js';
import { configSchema, type Config } from './config.js';

const id = createTestIdentity();

describe.skipIf(!ADMIN_DATABASE_URL)('user service (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  // Auth's role route, at the network edge: records calls and checks the service token.
  let auth: FastifyInstance;
  const roleCalls: { caller: string; id: string; roles: string[] }[] = [];

  const trader = { id: randomUUID(), roles: ['trader'] };
  const other = { id: randomUUID(), roles: ['trader'] };
  const admin = { id: randomUUID(), roles: ['admin'] };

  beforeAll(async () => {
    db = await createTestDatabase('user');
    auth = Fastify();
    const verifier = createServiceTokenVerifier({
      keys: id.keys,
      issuer: TEST_ISSUER,
      audience: 'auth',
      allowedCallers: ['user'],
    });
    auth.put<{ Params: { id: string }; Body: { roles: string[] } }>(
      '/internal/users/:id/roles',
      async (req, reply) => {
        const caller = await verifier.verify(req.headers.authorization?.slice(7));
        roleCalls.push({ caller: caller.service, id: req.params.id, roles: req.body.roles });
        if (req.params.id === other.id) {
          return reply
            .code(404)
            .type('application/problem+json')
            .send({ status: 404, code: 'ALP_AUTH_USER_NOT_FOUND' });
        }
        return { id: req.params.id, roles: req.body.roles };
      },
    );
    await auth.listen({ port: 0, host: '127.0.0.1' });
    const config = parseConfig(configSchema, {
      SERVICE_NAME: 'user',
      PORT: 0,
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      BUS_DATABASE_URL: db.url,
      AUTH_URL: `http://127.0.0.1:${(auth.server.address() as AddressInfo).port}`,
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      SERVICE_CREDENTIAL: 'c'.repeat(43),
    });
    app = await build(config, {
      logger: false,
      keys: id.keys,
      serviceTokens: createServiceTokenSource({
        fetchToken: async (aud) => ({ token: id.serviceToken('user', aud), expiresInSec: 300 }),
      }),
    });
    for (const u of [trader, other, admin]) {
      const res = await createProfile(u.id, `${u.id}@example.com`, u.roles);
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.close();
    await auth?.close();
    await db?.drop();
  });

  const bearer = (u: { id: string; roles: string[] }) => ({
    authorization: `Bearer ${id.accessToken(u)}`,
  });
  function createProfile(userId: string, email: string, roles = ['trader'], caller = 'auth') {
    return app.inject({
      method: 'POST',
      url: '/internal/users',
      headers: { authorization: `Bearer ${id.serviceToken(caller, 'user')}` },
      payload: { id: userId, email, roles },
    });
  }

  describe('POST /internal/users', () => {
    test('idempotent for the same id: 200 with the existing profile', async () => {
      const res = await createProfile(trader.id, `${trader.id}@example.com`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: trader.id, kycStatus: 'pending', roles: ['trader'] });
    });

    test('a leftover profile with the same email but another id is replaced', async () => {
      const first = randomUUID();
      const second = randomUUID();
      expect((await createProfile(first, 'Left.Over@example.com')).statusCode).toBe(201);
      expect((await createProfile(second, 'left.over@example.com')).statusCode).toBe(201);
      const { rows } = await app.pg.query(
        `SELECT user_id FROM profiles WHERE lower(email) = 'left.over@example.com'`,
      );
      expect(rows).toEqual([{ user_id: second }]);
    });

    test.each([
      ['a service token from trading', () => id.serviceToken('trading', 'user'), 403],
      ['a service token for another service', () => id.serviceToken('auth', 'trading'), 401],
      ['a user access token (even admin)', () => id.accessToken(admin), 401],
    ])('%s → %i', async (_n, token, status) => {
      const res = await app.inject({
        method: 'POST',
        url: '/internal/users',
        headers: { authorization: `Bearer ${token()}` },
        payload: { id: randomUUID(), email: 'x@example.com', roles: ['trader'] },
      });
      expect(res.statusCode).toBe(status);
    });
  });

  describe('own profile', () => {
    test('GET /me → 200 with the profile', async () => {
      const res = await app.inject({ url: '/api/v1/users/me', headers: bearer(trader) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: trader.id,
        email: `${trader.id}@example.com`,
        displayName: null,
        roles: ['trader'],
        kycStatus: 'pending',
      });
    });

    test('GET /me without a token → 401', async () => {
      const res = await app.inject({ url: '/api/v1/users/me' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_MISSING' });
    });

    test('PATCH /me updates the allowed fields', async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(trader),
        payload: { displayName: 'Ada', country: 'GB', timezone: 'Europe/London' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        displayName: 'Ada',
        country: 'GB',
        timezone: 'Europe/London',
      });
      const cleared = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(trader),
        payload: { timezone: null },
      });
      expect(cleared.json()).toMatchObject({ displayName: 'Ada', timezone: null });
    });

    test('PATCH /me with a time zone the runtime does not know → 400 ALP_USER_TIMEZONE_UNKNOWN', async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(trader),
        payload: { displayName: 'Tz', timezone: 'Not/AZone' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ALP_USER_TIMEZONE_UNKNOWN' });
      const me = await app.inject({ url: '/api/v1/users/me', headers: bearer(trader) });
      expect(me.json().displayName).not.toBe('Tz');
      const alias = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(trader),
        payload: { timezone: 'US/Eastern' },
      });
      expect(alias.statusCode).toBe(200);
    });

    test.each([
      ['roles', { roles: ['admin'] }],
      ['kycStatus', { kycStatus: 'approved' }],
      ['id', { id: randomUUID() }],
      ['email', { email: 'new@example.com' }],
      ['an allowed field next to roles', { displayName: 'Eve', roles: ['admin'] }],
      ['an empty body', {}],
      ['a bad country', { country: 'gb' }],
      ['a display name of spaces only', { displayName: '   ' }],
    ])('PATCH /me with %s → 400 and nothing changes', async (_n, payload) => {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(trader),
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ALP_REQUEST_INVALID' });
      const me = await app.inject({ url: '/api/v1/users/me', headers: bearer(trader) });
      expect(me.json()).toMatchObject({ roles: ['trader'], kycStatus: 'pending' });
      expect(me.json().displayName).not.toBe('Eve');
    });
  });

  describe('every JWT attack of issue 4 → 401 on GET /api/v1/users/me (admin claims inside)', () => {
    test.each(jwtAttacks(id, { id: admin.id, roles: ['admin'] }, () => 'http://127.0.0.1:9/'))(
      '%s',
      async (_n, make) => {
        const res = await app.inject({
          url: '/api/v1/users/me',
          headers: { authorization: `Bearer ${make()}` },
        });
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toMatch(/^ALP_AUTH_TOKEN_(INVALID|EXPIRED)$/);
      },
    );
  });

  describe('GET /api/v1/users/:id', () => {
    test('own → 200', async () => {
      const res = await app.inject({ url: `/api/v1/users/${trader.id}`, headers: bearer(trader) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: trader.id });
    });

    test("another user's → 404 ALP_USER_NOT_FOUND, same as a missing one", async () => {
      const theirs = await app.inject({
        url: `/api/v1/users/${other.id}`,
        headers: bearer(trader),
      });
      const missing = await app.inject({
        url: `/api/v1/users/${randomUUID()}`,
        headers: bearer(trader),
      });
      for (const res of [theirs, missing]) {
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ code: 'ALP_USER_NOT_FOUND', detail: 'no such user' });
      }
    });

    test('admin reads any → 200', async () => {
      const res = await app.inject({ url: `/api/v1/users/${other.id}`, headers: bearer(admin) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: other.id });
    });
  });

  describe('GET /api/v1/users (admin list)', () => {
    test('trader → 403 ALP_AUTH_FORBIDDEN', async () => {
      const res = await app.inject({ url: '/api/v1/users', headers: bearer(trader) });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_FORBIDDEN' });
    });

    test('admin → 200 with the profiles', async () => {
      const res = await app.inject({ url: '/api/v1/users?limit=100', headers: bearer(admin) });
      expect(res.statusCode).toBe(200);
      const ids = (res.json().items as { id: string }[]).map((p) => p.id);
      expect(ids).toEqual(expect.arrayContaining([trader.id, other.id, admin.id]));
      expect(res.json()).toMatchObject({ limit: 100, offset: 0 });
    });
  });

  describe('KYC workflow', () => {
    const kyc = (u: { id: string; roles: string[] }, target: string, decision: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/users/${target}/kyc`,
        headers: bearer(u),
        payload: { decision },
      });
    const submit = (u: { id: string; roles: string[] }) =>
      app.inject({ method: 'POST', url: '/api/v1/users/me/kyc', headers: bearer(u) });

    test('submit → under_review; admin approves → approved, recorded with the admin as actor', async () => {
      const s = await submit(other);
      expect(s.statusCode).toBe(200);
      expect(s.json()).toMatchObject({ kycStatus: 'under_review' });
      // Submitting again while under review changes nothing (idempotent, no second event).
      const again = await submit(other);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ kycStatus: 'under_review' });
      const a = await kyc(admin, other.id, 'approve');
      expect(a.statusCode).toBe(200);
      expect(a.json()).toMatchObject({ id: other.id, kycStatus: 'approved' });
      const { rows } = await app.pg.query(
        'SELECT from_status, to_status, actor FROM kyc_events WHERE user_id = $1 ORDER BY id',
        [other.id],
      );
      expect(rows).toEqual([
        { from_status: 'pending', to_status: 'under_review', actor: other.id },
        { from_status: 'under_review', to_status: 'approved', actor: admin.id },
      ]);
      const late = await submit(other);
      expect(late.statusCode).toBe(409);
      expect(late.json()).toMatchObject({
        code: 'ALP_USER_KYC_TRANSITION_INVALID',
        detail: 'KYC status cannot change from approved to under_review',
      });
    });

    test('a trader deciding KYC → 403 ALP_AUTH_FORBIDDEN', async () => {
      const res = await kyc(trader, trader.id, 'approve');
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_FORBIDDEN' });
    });

    test('deciding a pending profile → 409; a missing one → 404', async () => {
      const res = await kyc(admin, admin.id, 'reject');
      expect(res.statusCode).toBe(409);
      expect((await kyc(admin, randomUUID(), 'approve')).statusCode).toBe(404);
    });
  });

  describe('PUT /api/v1/users/:id/roles (auth owns roles)', () => {
    test('admin: changed in auth with a service token, then mirrored in the profile', async () => {
      const res = await app.inject({
        method: 'PUT',
        url: `/api/v1/users/${trader.id}/roles`,
        headers: bearer(admin),
        payload: { roles: ['trader', 'risk-officer'] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: trader.id, roles: ['trader', 'risk-officer'] });
      expect(roleCalls.at(-1)).toEqual({
        caller: 'user',
        id: trader.id,
        roles: ['trader', 'risk-officer'],
      });
    });

    test('auth answers 404 → 404 ALP_USER_NOT_FOUND, profile unchanged', async () => {
      const res = await app.inject({
        method: 'PUT',
        url: `/api/v1/users/${other.id}/roles`,
        headers: bearer(admin),
        payload: { roles: ['admin'] },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ALP_USER_NOT_FOUND' });
      const p = await app.inject({ url: `/api/v1/users/${other.id}`, headers: bearer(admin) });
      expect(p.json()).toMatchObject({ roles: ['trader'] });
    });

    test('trader → 403; unknown role → 400', async () => {
      const calls = roleCalls.length;
      const t = await app.inject({
        method: 'PUT',
        url: `/api/v1/users/${trader.id}/roles`,
        headers: bearer(trader),
        payload: { roles: ['admin'] },
      });
      expect(t.statusCode).toBe(403);
      const bad = await app.inject({
        method: 'PUT',
        url: `/api/v1/users/${trader.id}/roles`,
        headers: bearer(admin),
        payload: { roles: ['root'] },
      });
      expect(bad.statusCode).toBe(400);
      expect(roleCalls.length).toBe(calls);
    });
  });

  test('GET / lists implemented and pending capabilities', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.json()).toMatchObject({ service: 'user', pending: expect.any(Array) });
    expect(res.json().implemented).toHaveLength(7);
  });

  describe('UserRegistered (consumed from the bus)', () => {
    const event = (userId: string, email: string, payload: Record<string, unknown> = {}) => ({
      id: randomUUID(),
      topic: 'UserRegistered' as const,
      key: userId,
      source: 'auth' as const,
      occurredAt: new Date().toISOString(),
      payload: { version: 1, userId, email, roles: ['trader'], ...payload },
    });

    test('an event published on the real bus creates the profile', async () => {
      const userId = randomUUID();
      const producer = createPgBossBus({ connectionString: db.url, service: 'auth' });
      await producer.start();
      try {
        await producer.publish([event(userId, `${userId}@example.com`)]);
      } finally {
        await producer.stop();
      }
      const deadline = Date.now() + 15_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (
          await app.inject({
            url: '/api/v1/users/me',
            headers: bearer({ id: userId, roles: ['trader'] }),
          })
        ).statusCode;
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    });

    test('applied once: a redelivery and the direct call from auth leave one profile', async () => {
      const userId = randomUUID();
      const e = event(userId, `${userId}@example.com`);
      const apply = () => applyOnce(app.pg, 'user', e.id, (tx) => userRegisteredHandler(tx, e));
      expect(await apply()).toBe('applied');
      expect(await apply()).toBe('duplicate');
      expect((await createProfile(userId, `${userId}@example.com`)).statusCode).toBe(200);
      const { rows } = await app.pg.query(
        'SELECT count(*)::int AS n FROM profiles WHERE user_id = $1',
        [userId],
      );
      expect(rows[0].n).toBe(1);
    });

    test.each([
      ['no userId', { userId: undefined }],
      ['a userId that is not a uuid', { userId: "1' OR '1'='1" }],
      ['no email', { email: undefined }],
      ['an unknown role', { roles: ['root'] }],
      ['no roles', { roles: [] }],
    ])(
      'a payload with %s is refused (retried, then dead-lettered) and creates nothing',
      async (_n, bad) => {
        const userId = randomUUID();
        const e = event(userId, `${userId}@example.com`, bad);
        await expect(
          applyOnce(app.pg, 'user', e.id, (tx) => userRegisteredHandler(tx, e)),
        ).rejects.toThrow(/UserRegistered without/);
        const seen = await app.pg.query('SELECT 1 FROM processed_events WHERE event_id = $1', [
          e.id,
        ]);
        expect(seen.rowCount).toBe(0);
        expect(
          (
            await app.inject({
              url: '/api/v1/users/me',
              headers: bearer({ id: userId, roles: ['trader'] }),
            })
          ).statusCode,
        ).toBe(404);
      },
    );

    test('a service whose catalog entry consumes events must start the pipeline, or it does not start', async () => {
      let scope: FastifyInstance | undefined;
      const unwired = createService(
        { ...definition, routes: async (s) => void (scope = s) },
        app.config as unknown as Config,
        { logger: false, keys: id.keys },
      );
      await expect(unwired).rejects.toThrow(/never register the events plugin/);
      await scope?.close();
    });
  });
});
