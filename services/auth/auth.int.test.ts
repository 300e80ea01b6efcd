import { generateKeyPairSync, randomUUID, scryptSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { freePort } from '../../test/support/free-port.js';
import { parseConfig } from '../platform/index.js';
import {
  createAccessTokenVerifier,
  createServiceTokenVerifier,
  createStaticKeySet,
} from '../platform/security/index.js';
import { build } from './app.js';
import { EAGER_PROFILE_TIMEOUT_MS } from './routes/register.js';
import { configSchema } from './config.js';
import { buildJwks } from './domain/jwks-document.js';
import { createPasswordHasher } from './domain/password-hash.js';
import { deriveServiceCredential } from './domain/service-credentials.js';
import { rsaThumbprint } from './domain/signing-key.js';

const ISS = 'alphintra-auth';
const AUD = 'alphintra-api';
const MASTER = 'm'.repeat(48);
const PASSWORD = 'correct horse battery';
// Cheap argon2id for tests (the OWASP default is exercised by the cross-process test).
const hasher = createPasswordHasher({ params: { m: 64, t: 1, p: 1 } });
const throttle = {
  windowMs: 15 * 60_000,
  account: { freeFailures: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 },
  ip: { freeFailures: 8, baseDelayMs: 60_000, maxDelayMs: 600_000 },
};

const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
const previous = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys = createStaticKeySet(buildJwks([signing.publicKey]));

describe.skipIf(!ADMIN_DATABASE_URL)('auth service (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dir: string;
  let app: FastifyInstance;
  let config: ReturnType<typeof parseConfig<typeof configSchema>>;
  // The user service at the network edge: checks the service token and records the calls.
  let userStub: FastifyInstance;
  let userMode: 'ok' | 'fail' | 'hang' = 'ok';
  const profiles: { caller: string; requestId: unknown; body: unknown }[] = [];
  let ipSeq = 0;
  const nextIp = () => `10.0.0.${++ipSeq}`;

  beforeAll(async () => {
    db = await createTestDatabase('auth');
    dir = await mkdtemp(path.join(tmpdir(), 'alp-auth-'));
    await writeFile(
      path.join(dir, 'jwt.pem'),
      signing.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    await writeFile(
      path.join(dir, 'old.pem'),
      previous.publicKey.export({ type: 'spki', format: 'pem' }),
    );
    userStub = Fastify();
    const verifier = createServiceTokenVerifier({ keys, issuer: ISS, audience: 'user' });
    userStub.post('/internal/users', async (req, reply) => {
      const caller = await verifier.verify(req.headers.authorization?.slice(7));
      if (userMode === 'fail') return reply.code(503).send({ code: 'ALP_PLATFORM_UNAVAILABLE' });
      if (userMode === 'hang') return new Promise(() => undefined);
      profiles.push({
        caller: caller.service,
        requestId: req.headers['x-request-id'],
        body: req.body,
      });
      return reply.code(201).send(req.body);
    });
    await userStub.listen({ port: 0, host: '127.0.0.1' });
    config = configFor(`http://127.0.0.1:${(userStub.server.address() as AddressInfo).port}`);
    app = await build(config, { logger: false, hasher, throttle });
  });
  afterAll(async () => {
    await app?.close();
    await userStub?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function configFor(userUrl: string) {
    return parseConfig(configSchema, {
      SERVICE_NAME: 'auth',
      PORT: 0,
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      BUS_DATABASE_URL: db.url,
      USER_URL: userUrl,
      JWT_ISSUER: ISS,
      JWT_AUDIENCE: AUD,
      SERVICE_CREDENTIAL: deriveServiceCredential(Buffer.from(MASTER), 'auth'),
      JWT_PRIVATE_KEY_FILE: path.join(dir, 'jwt.pem'),
      JWT_PREVIOUS_PUBLIC_KEY_FILES: path.join(dir, 'old.pem'),
      SERVICE_CREDENTIAL_MASTER: MASTER,
    });
  }

  const post = (url: string, payload: unknown, remoteAddress = '10.9.9.9') =>
    app.inject({ method: 'POST', url, payload: payload as object, remoteAddress });
  const register = (email: string, password = PASSWORD) =>
    post('/api/v1/auth/register', { email, password });
  const login = (email: string, password = PASSWORD, ip = nextIp()) =>
    post('/api/v1/auth/login', { email, password }, ip);
  const email = () => `u-${randomUUID()}@example.com`;
  const eventsFor = async (userId: string) =>
    (await app.pg.query('SELECT topic, key, payload FROM outbox WHERE key = $1', [userId])).rows;
  const usersWithEmail = async (e: string) =>
    (await app.pg.query('SELECT id FROM users WHERE lower(email) = lower($1)', [e])).rowCount;

  describe('POST /api/v1/auth/register', () => {
    test('201; the profile is created in user with a service token and the request id', async () => {
      const e = email();
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: e, password: PASSWORD },
        headers: { 'x-request-id': 'reg-12345678' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ email: e, roles: ['trader'] });
      expect(profiles.at(-1)).toEqual({
        caller: 'auth',
        requestId: 'reg-12345678',
        body: { id: body.id, email: e, roles: ['trader'] },
      });
      const { rows } = await app.pg.query('SELECT password_hash FROM users WHERE id = $1', [
        body.id,
      ]);
      expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    });

    test('duplicate email (any case) → 409 ALP_AUTH_EMAIL_TAKEN', async () => {
      const e = email();
      expect((await register(e)).statusCode).toBe(201);
      const res = await register(e.toUpperCase());
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_EMAIL_TAKEN' });
    });

    test.each([
      ['short', 'short', ['too-short']],
      ['the email itself', 'SAME', ['same-as-email']],
      ['over 1 KiB', 'é'.repeat(600), ['too-long']],
    ])('a %s password → 400 ALP_AUTH_PASSWORD_WEAK with reasons', async (_n, pw, reasons) => {
      const e = email();
      const res = await register(e, pw === 'SAME' ? e : pw);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_PASSWORD_WEAK', reasons });
      expect(await usersWithEmail(e)).toBe(0);
    });

    test.each([
      ['roles', { roles: ['admin'] }],
      ['id', { id: randomUUID() }],
    ])('an extra %s property → 400 ALP_REQUEST_INVALID', async (_n, extra) => {
      const res = await post('/api/v1/auth/register', {
        email: email(),
        password: PASSWORD,
        ...extra,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ALP_REQUEST_INVALID' });
    });

    test('the identity and one UserRegistered event commit together', async () => {
      const e = email();
      const { id } = (await register(e)).json();
      expect(await eventsFor(id)).toEqual([
        {
          topic: 'UserRegistered',
          key: id,
          payload: {
            version: 1,
            userId: id,
            email: e,
            roles: ['trader'],
            occurredAt: expect.any(String),
          },
        },
      ]);
      // A refused registration (email taken) writes no event.
      expect((await register(e.toUpperCase())).statusCode).toBe(409);
      const { rows } = await app.pg.query(
        `SELECT count(*)::int AS n FROM outbox WHERE payload->>'email' ILIKE $1`,
        [e],
      );
      expect(rows[0].n).toBe(1);
    });

    test('user answers 503 → still 201: the identity is kept and the event will create the profile', async () => {
      const e = email();
      userMode = 'fail';
      let res;
      try {
        res = await register(e);
      } finally {
        userMode = 'ok';
      }
      expect(res.statusCode).toBe(201);
      expect(await usersWithEmail(e)).toBe(1);
      expect(await eventsFor(res.json().id)).toHaveLength(1);
      expect((await login(e)).statusCode).toBe(200);
    });

    test('user hangs → 201 once the eager call gives up (2 s), not after the 5 s default', async () => {
      const e = email();
      userMode = 'hang';
      const started = Date.now();
      let res;
      try {
        res = await register(e);
      } finally {
        userMode = 'ok';
      }
      const ms = Date.now() - started;
      expect(res.statusCode).toBe(201);
      expect(ms).toBeGreaterThanOrEqual(EAGER_PROFILE_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(4_500);
      expect(await eventsFor(res.json().id)).toHaveLength(1);
    });

    test('user unreachable → 201 and the event is relayed to the bus for user', async () => {
      const down = await build(configFor(`http://127.0.0.1:${await freePort()}`), {
        logger: false,
        hasher,
        throttle,
      });
      try {
        const e = email();
        const res = await down.inject({
          method: 'POST',
          url: '/api/v1/auth/register',
          payload: { email: e, password: PASSWORD },
        });
        expect(res.statusCode).toBe(201);
        const { id } = res.json();
        // The relay marks the row published once user's queue holds it.
        const deadline = Date.now() + 15_000;
        let queued = 0;
        while (Date.now() < deadline && queued === 0) {
          const { rows } = await down.pg.query(
            `SELECT count(*)::int AS n FROM pgboss.job
              WHERE name = 'user.UserRegistered'
                AND data->'events' @> jsonb_build_array(jsonb_build_object('payload', jsonb_build_object('userId', $1::text)))`,
            [id],
          );
          queued = rows[0].n;
          if (queued === 0) await new Promise((r) => setTimeout(r, 100));
        }
        expect(queued).toBe(1);
      } finally {
        await down.close();
      }
    });
  });

  describe('POST /api/v1/auth/login', () => {
    const verifier = createAccessTokenVerifier({ keys, issuer: ISS, audience: AUD });

    test('200 with an RS256 at+jwt (kid = thumbprint) and an opaque refresh token', async () => {
      const e = email();
      const { id } = (await register(e)).json();
      const res = await login(e);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { id, roles: ['trader'] },
      });
      expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const header = JSON.parse(
        Buffer.from(body.accessToken.split('.')[0], 'base64url').toString(),
      );
      expect(header).toEqual({
        alg: 'RS256',
        typ: 'at+jwt',
        kid: rsaThumbprint(signing.publicKey),
      });
      await expect(verifier.verify(body.accessToken)).resolves.toMatchObject({
        sub: id,
        roles: ['trader'],
      });
      const me = await app.inject({
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${body.accessToken}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ id, email: e, roles: ['trader'] });
    });

    test('a scrypt hash stored by an earlier version logs in, and is replaced by argon2id', async () => {
      const e = email();
      const { id } = (await register(e)).json();
      const salt = Buffer.from('legacy-salt-0001');
      const key = scryptSync(PASSWORD, salt, 32, { N: 2 ** 10, r: 8, p: 1 });
      const legacy = `$scrypt$ln=10,r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
      await app.pg.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, legacy]);
      expect((await login(e, 'not the password')).statusCode).toBe(401);
      const stored = async () =>
        (await app.pg.query('SELECT password_hash FROM users WHERE id = $1', [id])).rows[0]
          .password_hash as string;
      expect(await stored()).toBe(legacy);

      expect((await login(e)).statusCode).toBe(200);
      expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
      expect((await login(e)).statusCode).toBe(200);
    });

    test('wrong password and unknown email get the same 401', async () => {
      const e = email();
      await register(e);
      const wrong = await login(e, 'not the password');
      const unknown = await login(email());
      for (const res of [wrong, unknown]) {
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({
          code: 'ALP_AUTH_INVALID_CREDENTIALS',
          detail: 'invalid email or password',
        });
      }
    });

    test('per account: after 3 failures the next attempt is 429 with Retry-After, even with the right password', async () => {
      const e = email();
      await register(e);
      for (let i = 0; i < 3; i += 1)
        expect((await login(e, 'wrong password')).statusCode).toBe(401);
      const res = await login(e);
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toMatch(/^(59|60)$/);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_LOGIN_THROTTLED' });
    });

    test('per IP: failures over many accounts from one address throttle that address', async () => {
      const ip = nextIp();
      for (let i = 0; i < 8; i += 1) {
        expect((await login(email(), 'wrong password', ip)).statusCode).toBe(401);
      }
      const res = await login(email(), 'wrong password', ip);
      expect(res.statusCode).toBe(429);
      expect((await login(email(), 'wrong password', nextIp())).statusCode).toBe(401);
    });

    test('GET /me without a token → 401', async () => {
      const res = await app.inject({ url: '/api/v1/auth/me' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_MISSING' });
    });
  });

  describe('refresh and logout', () => {
    async function session() {
      const e = email();
      await register(e);
      return (await login(e)).json() as { refreshToken: string; accessToken: string };
    }
    const refresh = (refreshToken: string) => post('/api/v1/auth/refresh', { refreshToken });

    test('rotation: a new pair each time; reusing a rotated token revokes the family', async () => {
      const first = await session();
      const second = await refresh(first.refreshToken);
      expect(second.statusCode).toBe(200);
      const s2 = second.json();
      expect(s2.refreshToken).not.toBe(first.refreshToken);
      expect(s2.accessToken).not.toBe(first.accessToken);

      const reuse = await refresh(first.refreshToken);
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json()).toMatchObject({ code: 'ALP_AUTH_REFRESH_TOKEN_INVALID' });
      // The legitimate holder's newer token died with the family.
      expect((await refresh(s2.refreshToken)).statusCode).toBe(401);
    });

    test('unknown refresh token → 401; an access token as refresh token → 401', async () => {
      const s = await session();
      for (const t of ['x'.repeat(43), s.accessToken]) {
        const res = await refresh(t);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'ALP_AUTH_REFRESH_TOKEN_INVALID' });
      }
    });

    test('logout → 204 and the family is revoked; unknown token → 204 too', async () => {
      const s = await session();
      const out = await post('/api/v1/auth/logout', { refreshToken: s.refreshToken });
      expect(out.statusCode).toBe(204);
      expect((await refresh(s.refreshToken)).statusCode).toBe(401);
      expect((await post('/api/v1/auth/logout', { refreshToken: 'nope' })).statusCode).toBe(204);
    });
  });

  test('GET /.well-known/jwks.json: current and previous public keys, cacheable', async () => {
    const res = await app.inject({ url: '/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const { keys: published } = res.json();
    expect(published.map((k: { kid: string }) => k.kid)).toEqual([
      rsaThumbprint(signing.publicKey),
      rsaThumbprint(previous.publicKey),
    ]);
    expect(Object.keys(published[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  describe('POST /internal/service-tokens', () => {
    const exchange = (service: string, credential: string, audience: string) =>
      post('/internal/service-tokens', { service, credential, audience });

    test('the right credential → a svc+jwt for the audience', async () => {
      const res = await exchange(
        'trading',
        deriveServiceCredential(Buffer.from(MASTER), 'trading'),
        'risk',
      );
      expect(res.statusCode).toBe(200);
      const { token, tokenType, expiresIn } = res.json();
      expect({ tokenType, expiresIn }).toEqual({ tokenType: 'svc+jwt', expiresIn: 300 });
      const risk = createServiceTokenVerifier({ keys, issuer: ISS, audience: 'risk' });
      await expect(risk.verify(token)).resolves.toMatchObject({ service: 'trading' });
    });

    test.each([
      ["another service's credential", 'trading', 'user', 401],
      ['a made-up credential', 'trading', 'x'.repeat(43), 401],
    ])('%s → %i ALP_AUTH_SERVICE_CREDENTIAL_INVALID', async (_n, service, of, status) => {
      const credential = of.length > 20 ? of : deriveServiceCredential(Buffer.from(MASTER), of);
      const res = await exchange(service, credential, 'risk');
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ code: 'ALP_AUTH_SERVICE_CREDENTIAL_INVALID' });
    });

    test('an unknown service name → 400', async () => {
      const res = await exchange('evil', 'x', 'risk');
      expect(res.statusCode).toBe(400);
    });
  });

  describe('PUT /internal/users/:id/roles (auth owns roles)', () => {
    const put = (id: string, token: string, roles: string[] = ['trader', 'admin']) =>
      app.inject({
        method: 'PUT',
        url: `/internal/users/${id}/roles`,
        headers: { authorization: `Bearer ${token}` },
        payload: { roles },
      });
    const svcToken = async (service: string) =>
      (
        await post('/internal/service-tokens', {
          service,
          credential: deriveServiceCredential(Buffer.from(MASTER), service),
          audience: 'auth',
        })
      ).json().token as string;

    test('from user: 200, and the next access token carries the new roles', async () => {
      const e = email();
      const { id } = (await register(e)).json();
      const s = (await login(e)).json();
      const res = await put(id, await svcToken('user'));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id, roles: ['trader', 'admin'] });
      const r = await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken });
      expect(r.json().user).toEqual({ id, roles: ['trader', 'admin'] });
    });

    test('from trading → 403; with a user token → 401; unknown user → 404', async () => {
      const e = email();
      const { id } = (await register(e)).json();
      const access = (await login(e)).json().accessToken;
      expect((await put(id, await svcToken('trading'))).statusCode).toBe(403);
      expect((await put(id, access)).statusCode).toBe(401);
      const missing = await put(randomUUID(), await svcToken('user'));
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'ALP_AUTH_USER_NOT_FOUND' });
    });
  });

  test('/metrics counts logins and refresh reuse by outcome', async () => {
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/alphintra_auth_logins_total\{outcome="throttled",[^}]*\} [1-9]/);
    expect(text).toMatch(/alphintra_auth_logins_total\{outcome="invalid",[^}]*\} [1-9]/);
    expect(text).toMatch(/alphintra_auth_refresh_total\{outcome="reuse",[^}]*\} [1-9]/);
  });

  test('GET / lists implemented and pending capabilities', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.json()).toMatchObject({ service: 'auth', pending: expect.any(Array) });
    expect(res.json().implemented).toHaveLength(7);
  });
});
