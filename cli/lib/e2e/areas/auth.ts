import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { E2eContext } from '../context.js';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import type { HttpResult } from '../http.js';
import { area } from '../suite.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const newEmail = () => `e2e-${randomUUID()}@e2e.alphintra.dev`;
const newPassword = () => randomBytes(18).toString('base64url');

interface Session {
  tokenType: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
  user: { id: string; roles: string[] };
}

/** The claims of a compact JWS (not verified: the platform does that). */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  assert.ok(payload, `not a compact JWS: ${token.slice(0, 40)}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function register(t: E2eContext, email: string, password: string): Promise<string> {
  const res = await t.call('POST', '/api/v1/auth/register', { body: { email, password } });
  expectStatus(res, 201, 'register');
  const { id } = bodyOf<{ id: string }>(res, 'register');
  return id;
}

async function login(t: E2eContext, email: string, password: string): Promise<Session> {
  const res = await t.call('POST', '/api/v1/auth/login', { body: { email, password } });
  expectStatus(res, 200, 'login');
  return bodyOf<Session>(res, 'login');
}

const refresh = (t: E2eContext, refreshToken: string) =>
  t.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

/** A refresh the platform must refuse: 401 with the one generic code. */
function expectRefused(res: HttpResult, what: string): void {
  expectProblem(res, 401, 'ALP_AUTH_REFRESH_TOKEN_INVALID', what);
}

function rotated(res: HttpResult, what: string): Session {
  expectStatus(res, 200, what);
  const s = bodyOf<Session>(res, what);
  assert.equal(typeof s.refreshToken, 'string', `${what}: a refresh token`);
  assert.equal(typeof s.accessToken, 'string', `${what}: an access token`);
  return s;
}

export const auth = area('auth', [
  {
    id: 'E07',
    title: 'register creates an account that can log in',
    async run(t) {
      const email = newEmail();
      const password = newPassword();
      const res = await t.call('POST', '/api/v1/auth/register', { body: { email, password } });
      expectStatus(res, 201, 'register');
      const body = bodyOf(res, 'register');
      assert.match(String(body.id), UUID, 'a uuid id');
      assert.equal(body.email, email);
      assert.deepEqual(body.roles, ['trader'], 'a new account is a trader only');
      assert.ok(
        typeof body.createdAt === 'string' && !Number.isNaN(Date.parse(body.createdAt)),
        `createdAt is a timestamp: ${String(body.createdAt)}`,
      );
      assert.equal(body.password, undefined, 'no password in the answer');
      assert.equal(body.passwordHash, undefined, 'no hash in the answer');

      const session = await login(t, email, password);
      const me = await t.call('GET', '/api/v1/auth/me', { token: session.accessToken });
      expectStatus(me, 200, 'GET /api/v1/auth/me');
      assert.deepEqual(
        { ...bodyOf(me, 'me') },
        { id: body.id, email, roles: ['trader'], createdAt: body.createdAt },
      );
      // The user service has the profile too (created at once, or from UserRegistered).
      const profile = await t.call('GET', '/api/v1/users/me', { token: session.accessToken });
      expectStatus(profile, 200, 'GET /api/v1/users/me');
      assert.equal(bodyOf(profile, 'profile').id, body.id);
      assert.equal(bodyOf(profile, 'profile').email, email);
    },
  },
  {
    id: 'E08',
    title: 'a duplicate email answers 409, whatever its case',
    async run(t) {
      const email = newEmail();
      const password = newPassword();
      const id = await register(t, email, password);
      const intruder = newPassword();
      const again = await t.call('POST', '/api/v1/auth/register', {
        body: { email, password: intruder },
      });
      expectProblem(again, 409, 'ALP_AUTH_EMAIL_TAKEN', 'the same email again');
      const upper = await t.call('POST', '/api/v1/auth/register', {
        body: { email: email.toUpperCase(), password: intruder },
      });
      expectProblem(upper, 409, 'ALP_AUTH_EMAIL_TAKEN', 'the same email in upper case');
      // The first account is untouched: the second password does not open it, its own does.
      const wrong = await t.call('POST', '/api/v1/auth/login', {
        body: { email, password: intruder },
      });
      expectProblem(
        wrong,
        401,
        'ALP_AUTH_INVALID_CREDENTIALS',
        "login with the duplicate's password",
      );
      const session = await login(t, email, password);
      assert.equal(session.user.id, id, 'the original account');
    },
  },
  {
    id: 'E09',
    title: 'a weak password answers 400 with the reasons, and creates nothing',
    async run(t) {
      const email = newEmail();
      const short = await t.call('POST', '/api/v1/auth/register', {
        body: { email, password: 'short1' },
      });
      expectProblem(short, 400, 'ALP_AUTH_PASSWORD_WEAK', 'a 6-character password');
      assert.deepEqual(bodyOf(short, 'weak').reasons, ['too-short']);

      const same = await t.call('POST', '/api/v1/auth/register', {
        body: { email, password: email.toUpperCase() },
      });
      expectProblem(same, 400, 'ALP_AUTH_PASSWORD_WEAK', 'the email as password');
      assert.deepEqual(bodyOf(same, 'weak').reasons, ['same-as-email']);

      const huge = await t.call('POST', '/api/v1/auth/register', {
        body: { email, password: 'p'.repeat(1025) },
      });
      expectProblem(huge, 400, 'ALP_AUTH_PASSWORD_WEAK', 'a 1025-byte password');
      assert.deepEqual(bodyOf(huge, 'weak').reasons, ['too-long']);

      // None of them created the account: the email is still free.
      await register(t, email, newPassword());
    },
  },
  {
    id: 'E10',
    title: 'login issues a working access token and a refresh token',
    async run(t) {
      const email = newEmail();
      const password = newPassword();
      const id = await register(t, email, password);
      // Emails are matched without regard to case.
      const res = await t.call('POST', '/api/v1/auth/login', {
        body: { email: email.toUpperCase(), password },
      });
      expectStatus(res, 200, 'login');
      const s = bodyOf<Session>(res, 'login');
      assert.equal(s.tokenType, 'Bearer');
      assert.equal(s.expiresIn, 15 * 60, 'access tokens live 15 minutes');
      assert.deepEqual(s.user, { id, roles: ['trader'] });
      assert.ok(s.refreshToken.length >= 32, 'an opaque refresh token');
      assert.ok(Date.parse(s.refreshExpiresAt) > Date.now(), 'the refresh token is not expired');
      const claims = claimsOf(s.accessToken);
      assert.equal(claims.sub, id);
      assert.equal(claims.iss, t.keys.issuer);
      assert.equal(claims.aud, t.keys.audience);
      assert.deepEqual(claims.roles, ['trader']);
      assert.equal(Number(claims.exp) - Number(claims.iat), s.expiresIn, 'exp - iat = expiresIn');

      const me = await t.call('GET', '/api/v1/users/me', { token: s.accessToken });
      expectStatus(me, 200, 'the access token opens the profile');
      assert.equal(bodyOf(me, 'profile').id, id);
    },
  },
  {
    id: 'E11',
    title: 'a wrong password answers 401 with the same generic message as an unknown email',
    async run(t) {
      const email = newEmail();
      const password = newPassword();
      await register(t, email, password);
      const wrong = await t.call('POST', '/api/v1/auth/login', {
        body: { email, password: `${password}x` },
      });
      expectProblem(wrong, 401, 'ALP_AUTH_INVALID_CREDENTIALS', 'a wrong password');
      const unknown = await t.call('POST', '/api/v1/auth/login', {
        body: { email: newEmail(), password },
      });
      expectProblem(unknown, 401, 'ALP_AUTH_INVALID_CREDENTIALS', 'an unknown email');
      const shape = (r: HttpResult) => {
        const { status, code, title, detail, type, reasons } = bodyOf(r, 'problem');
        return { status, code, title, detail, type, reasons };
      };
      assert.deepEqual(shape(wrong), shape(unknown), 'nothing tells the two apart');
      assert.doesNotMatch(String(shape(wrong).detail), /not found|unknown|no such|exist/i);
      // Control: the right password still works.
      await login(t, email, password);
    },
  },
  {
    id: 'E12',
    title: 'refresh rotates the refresh token and refuses the old one',
    async run(t) {
      const email = newEmail();
      const password = newPassword();
      const id = await register(t, email, password);
      const first = await login(t, email, password);
      const second = rotated(await refresh(t, first.refreshToken), 'refresh');
      assert.notEqual(second.refreshToken, first.refreshToken, 'a new refresh token');
      assert.notEqual(second.accessToken, first.accessToken, 'a new access token');
      assert.deepEqual(second.user, { id, roles: ['trader'] });
      const me = await t.call('GET', '/api/v1/users/me', { token: second.accessToken });
      expectStatus(me, 200, 'the new access token works');
      // The old refresh token is spent.
      expectRefused(await refresh(t, first.refreshToken), 'the rotated-away refresh token');
      // A token that was never issued is refused the same way.
      expectRefused(await refresh(t, randomBytes(32).toString('base64url')), 'a made-up token');
    },
  },
  {
    id: 'E13',
    title: 'a reused refresh token revokes its whole family, and only that family',
    async run(t) {
      const email = newEmail();
      const password = newPassword();
      await register(t, email, password);
      const other = await login(t, email, password); // another device: its own family
      const r0 = (await login(t, email, password)).refreshToken;
      const r1 = rotated(await refresh(t, r0), 'first rotation').refreshToken;
      const r2 = rotated(await refresh(t, r1), 'second rotation').refreshToken;
      // A thief replays r0: refused, and the family is revoked ...
      expectRefused(await refresh(t, r0), 'the reused r0');
      // ... so the newest token, never used, is refused too.
      expectRefused(await refresh(t, r2), 'the newest token of the revoked family');
      expectRefused(await refresh(t, r1), 'the middle token of the revoked family');
      // The other session is unaffected.
      rotated(await refresh(t, other.refreshToken), 'the other family');
    },
  },
  {
    id: 'E14',
    title: 'logout revokes the session, and only that session',
    async run(t) {
      const email = newEmail();
      const password = newPassword();
      await register(t, email, password);
      const other = await login(t, email, password);
      const s0 = await login(t, email, password);
      const s1 = rotated(await refresh(t, s0.refreshToken), 'refresh before logout');
      const out = await t.call('POST', '/api/v1/auth/logout', {
        body: { refreshToken: s1.refreshToken },
      });
      expectStatus(out, 204, 'logout');
      expectRefused(await refresh(t, s1.refreshToken), 'refresh after logout');
      // Logout answers 204 for an unknown token too: it cannot be used to test tokens.
      const unknown = await t.call('POST', '/api/v1/auth/logout', {
        body: { refreshToken: randomBytes(32).toString('base64url') },
      });
      expectStatus(unknown, 204, 'logout of an unknown token');
      // The other session is unaffected.
      rotated(await refresh(t, other.refreshToken), 'the other session');
    },
  },
]);
