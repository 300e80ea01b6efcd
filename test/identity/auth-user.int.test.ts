import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deriveServiceCredential } from '../../services/auth/domain/service-credentials.js';
import { rsaThumbprint } from '../../services/auth/domain/signing-key.js';
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/free-port.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIdentity, jwtAttacks } from '../support/identity.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';

/*
 * auth and user as two real processes over real HTTP and a shared event bus: registration
 * creates the profile in user (auth signs its own service token; the UserRegistered event
 * covers the time user is down), user verifies access tokens with the JWKS it fetches from
 * auth, and user's role change trades its SERVICE_CREDENTIAL for a service token at auth.
 */

const ISS = 'alphintra-auth';
const AUD = 'alphintra-api';
const MASTER = randomUUID() + randomUUID();
const credential = (service: string) => deriveServiceCredential(Buffer.from(MASTER), service);
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
// Tokens signed with the spawned auth's own key: valid ones, and every attack.
const identity = createTestIdentity({
  issuer: ISS,
  audience: AUD,
  kid: rsaThumbprint(publicKey),
  keyPair: { privateKey, publicKey },
});

async function http(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, token?: string) {
  const res = await request(url, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

describe.skipIf(!ADMIN_DATABASE_URL)('auth + user as two processes', () => {
  let authDb: TestDatabase;
  let userDb: TestDatabase;
  let busDb: TestDatabase;
  let dir: string;
  let auth: ServiceProcess;
  let user: ServiceProcess;
  let userEnv: Record<string, string>;
  let userPort: number;

  beforeAll(async () => {
    [authDb, userDb, busDb] = await Promise.all([
      createTestDatabase('auth'),
      createTestDatabase('user'),
      createTestDatabase('bus'),
    ]);
    dir = await mkdtemp(path.join(tmpdir(), 'alp-identity-'));
    const keyFile = path.join(dir, 'jwt.pem');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const [authPort, up] = await Promise.all([freePort(), freePort()]);
    userPort = up;
    const common = { LOG_LEVEL: 'warn', JWT_ISSUER: ISS, JWT_AUDIENCE: AUD };
    userEnv = {
      ...common,
      DATABASE_URL: userDb.url,
      BUS_DATABASE_URL: busDb.url,
      AUTH_URL: `http://127.0.0.1:${authPort}`,
      SERVICE_CREDENTIAL: credential('user'),
    };
    // user depends on auth (JWKS), auth calls user only at request time: start auth first.
    auth = await startServiceProcess('auth', authPort, {
      ...common,
      DATABASE_URL: authDb.url,
      BUS_DATABASE_URL: busDb.url,
      USER_URL: `http://127.0.0.1:${userPort}`,
      SERVICE_CREDENTIAL: credential('auth'),
      SERVICE_CREDENTIAL_MASTER: MASTER,
      JWT_PRIVATE_KEY_FILE: keyFile,
    });
    user = await startServiceProcess('user', userPort, userEnv);
  });
  afterAll(async () => {
    await Promise.all([auth?.stop(), user?.stop()]);
    await Promise.all([authDb?.drop(), userDb?.drop(), busDb?.drop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function registerAndLogin() {
    const email = `p-${randomUUID()}@example.com`;
    const password = 'a long enough passphrase';
    const reg = await http('POST', `${auth.url}/api/v1/auth/register`, { email, password });
    expect(reg.status).toBe(201);
    const login = await http('POST', `${auth.url}/api/v1/auth/login`, { email, password });
    expect(login.status).toBe(200);
    return {
      id: reg.body.id as string,
      email,
      ...(login.body as { accessToken: string; refreshToken: string }),
    };
  }

  test('register → the profile exists in user, readable with the access token auth issued', async () => {
    const u = await registerAndLogin();
    const me = await http('GET', `${user.url}/api/v1/users/me`, undefined, u.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: u.id,
      email: u.email,
      roles: ['trader'],
      kycStatus: 'pending',
    });
  });

  test('user refuses /internal/users with a user token and with no token (401)', async () => {
    const u = await registerAndLogin();
    const body = { id: randomUUID(), email: 'x@example.com', roles: ['admin'] };
    expect((await http('POST', `${user.url}/internal/users`, body, u.accessToken)).status).toBe(
      401,
    );
    expect((await http('POST', `${user.url}/internal/users`, body)).status).toBe(401);
  });

  describe('every JWT attack of issue 4 → 401 from the user process (JWKS fetched from auth)', () => {
    let canary: Server;
    let canaryUrl = '';
    let hits = 0;
    beforeAll(async () => {
      canary = createServer((_req, res) => {
        hits += 1;
        res.end('{"keys":[]}');
      });
      await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
      canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(() => new Promise<void>((r) => canary.close(() => r())));

    test.each(jwtAttacks(identity, { id: randomUUID(), roles: ['admin'] }, () => canaryUrl))(
      '%s',
      async (_n, make) => {
        const res = await http('GET', `${user.url}/api/v1/users/me`, undefined, make());
        expect(res.status).toBe(401);
        expect(res.body.code).toMatch(/^ALP_AUTH_TOKEN_(INVALID|EXPIRED)$/);
      },
    );

    test('the jku/x5u canary received no request', () => {
      expect(hits).toBe(0);
    });
  });

  test('service tokens across HTTP: an admin role change goes user → auth and shows in the next token', async () => {
    const u = await registerAndLogin();
    // The first admin is made outside the API; here the test signs an admin token with auth's key.
    const adminToken = identity.accessToken({ id: randomUUID(), roles: ['admin'] });
    const res = await http(
      'PUT',
      `${user.url}/api/v1/users/${u.id}/roles`,
      { roles: ['trader', 'risk-officer'] },
      adminToken,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, roles: ['trader', 'risk-officer'] });
    const refreshed = await http('POST', `${auth.url}/api/v1/auth/refresh`, {
      refreshToken: u.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user).toEqual({ id: u.id, roles: ['trader', 'risk-officer'] });
  });

  test('user down → register still answers 201 and login works; back up → user creates the profile from UserRegistered', async () => {
    await user.stop();
    const email = `d-${randomUUID()}@example.com`;
    const password = 'a long enough passphrase';
    const reg = await http('POST', `${auth.url}/api/v1/auth/register`, { email, password });
    expect(reg.status).toBe(201);
    const login = await http('POST', `${auth.url}/api/v1/auth/login`, { email, password });
    expect(login.status).toBe(200);
    user = await startServiceProcess('user', userPort, userEnv);
    // Nobody calls user for this profile again: only the event can create it.
    const deadline = Date.now() + 20_000;
    let me = await http('GET', `${user.url}/api/v1/users/me`, undefined, login.body.accessToken);
    while (me.status === 404 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      me = await http('GET', `${user.url}/api/v1/users/me`, undefined, login.body.accessToken);
    }
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: reg.body.id, email, roles: ['trader'] });
  });
});
