import assert from 'node:assert/strict';
import { createHmac, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eContext, E2eUser } from '../context.js';
import { bodyOf, describeAnswer, expectProblem, expectStatus } from '../expect.js';
import { area } from '../suite.js';

/*
 * Every forged token is sent twice, at once: through the gateway and straight to the user
 * service (which must check tokens itself, not trust the edge). Each test first shows that a
 * token signed with the platform's key for the same user opens both, so a 401 can only come
 * from the one thing the attack changed.
 */

const PROFILE = '/api/v1/users/me';
type Code = 'ALP_AUTH_TOKEN_INVALID' | 'ALP_AUTH_TOKEN_EXPIRED';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

/** Claims exactly like auth's access tokens, for `sub`. */
function claimsFor(t: E2eContext, sub: string, roles: readonly string[] = ['trader']) {
  const iat = nowSec();
  return {
    iss: t.keys.issuer,
    aud: t.keys.audience,
    sub,
    iat,
    exp: iat + 300,
    jti: randomUUID(),
    roles: [...roles],
  };
}

function signHs(alg: 'sha256' | 'sha512', header: object, claims: object, secret: string) {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac(alg, secret).update(input).digest('base64url')}`;
}

/** Both the gateway and the user service accept `token` for `user` (the control). */
async function expectAccepted(t: E2eContext, user: E2eUser, token: string, what: string) {
  const [gateway, direct] = await Promise.all([
    t.call('GET', PROFILE, { token }),
    t.direct('user', 'GET', PROFILE, { token }),
  ]);
  expectStatus(gateway, 200, `${what} (control) at the gateway`);
  expectStatus(direct, 200, `${what} (control) at the user service`);
  assert.equal(bodyOf(gateway, 'profile').id, user.id, `${what}: the gateway's profile`);
  assert.equal(bodyOf(direct, 'profile').id, user.id, `${what}: the user service's profile`);
}

/** Each token is refused with 401 `code` both at the gateway and at the user service. */
async function expectRefused(
  t: E2eContext,
  attacks: readonly (readonly [string, string])[],
  code: Code = 'ALP_AUTH_TOKEN_INVALID',
) {
  for (const [what, token] of attacks) {
    const [gateway, direct] = await Promise.all([
      t.call('GET', PROFILE, { token }),
      t.direct('user', 'GET', PROFILE, { token }),
    ]);
    expectProblem(gateway, 401, code, `${what}, at the gateway`);
    expectProblem(direct, 401, code, `${what}, at the user service`);
    // The answer never says why (which check failed is for the logs only).
    const detail = bodyOf(gateway, 'problem').detail;
    assert.equal(
      detail,
      bodyOf(direct, 'problem').detail,
      `${what}: the same generic detail at both (${describeAnswer(gateway)})`,
    );
    assert.match(
      String(detail),
      /^the token (is invalid|has expired)$/,
      `${what}: a generic detail, got ${String(detail)}`,
    );
  }
  t.note(
    `${attacks.length} forged token${attacks.length === 1 ? '' : 's'}: 401 ${code} at the gateway and at user`,
  );
}

export const tokenAttacks = area('token-attacks', [
  {
    id: 'E15',
    title: 'alg none is refused in any casing',
    async run(t) {
      const user = await t.user();
      await expectAccepted(t, user, t.keys.accessToken(user.id, ['trader']), 'RS256');
      const real = user.accessToken.split('.')[2]!;
      const attacks = ['none', 'NONE', 'None', 'nOnE'].flatMap((alg) => {
        const input = `${b64({ alg, typ: 'at+jwt', kid: t.keys.kid })}.${b64(claimsFor(t, user.id, ['trader', 'admin']))}`;
        return [
          [`alg ${alg}, empty signature`, `${input}.`],
          [`alg ${alg}, junk signature`, `${input}.AAAA`],
          [`alg ${alg}, a real token's signature`, `${input}.${real}`],
        ] as const;
      });
      await expectRefused(t, attacks);
    },
  },
  {
    id: 'E16',
    title: 'RS256 to HS256 key confusion (HMAC keyed with the public key) is refused',
    async run(t) {
      const user = await t.user();
      await expectAccepted(t, user, t.keys.accessToken(user.id, ['trader']), 'RS256');
      const header = { typ: 'at+jwt', kid: t.keys.kid };
      const pem = t.keys.publicPem;
      const claims = () => claimsFor(t, user.id, ['trader', 'admin']);
      await expectRefused(t, [
        [
          'HS256 keyed with the public key PEM',
          signHs('sha256', { ...header, alg: 'HS256' }, claims(), pem),
        ],
        [
          'HS256 keyed with the trimmed PEM',
          signHs('sha256', { ...header, alg: 'HS256' }, claims(), pem.trim()),
        ],
        [
          'HS256 keyed with whitespace and the PEM',
          signHs('sha256', { ...header, alg: 'HS256' }, claims(), `  \n${pem}`),
        ],
        [
          'hs256 (lower case) keyed with the PEM',
          signHs('sha256', { ...header, alg: 'hs256' }, claims(), pem),
        ],
        ['HS512 keyed with the PEM', signHs('sha512', { ...header, alg: 'HS512' }, claims(), pem)],
      ]);
    },
  },
  {
    id: 'E17',
    title: 'a tampered signature or payload is refused',
    async run(t) {
      const user = await t.user();
      // The real token from login is the control here.
      await expectAccepted(t, user, user.accessToken, 'the token from login');
      const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
      const flipped = Buffer.from(signature, 'base64url');
      flipped[10] = flipped[10]! ^ 0x01;
      const elevated = b64({
        ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object),
        roles: ['trader', 'admin'],
      });
      const other = await t.user();
      const otherSignature = other.accessToken.split('.')[2]!;
      const { privateKey: attackerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const ownKeyInput = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: t.keys.kid })}.${b64(claimsFor(t, user.id))}`;
      const ownKeySig = createSign('RSA-SHA256').update(ownKeyInput).sign(attackerKey);
      await expectRefused(t, [
        ['one flipped signature bit', `${header}.${payload}.${flipped.toString('base64url')}`],
        ['roles raised to admin, signature kept', `${header}.${elevated}.${signature}`],
        ["another user's signature", `${header}.${payload}.${otherSignature}`],
        ['the signature cut short', `${header}.${payload}.${signature.slice(0, -4)}`],
        ['no signature', `${header}.${payload}.`],
        [
          "another RSA key signing under the platform's kid",
          `${ownKeyInput}.${ownKeySig.toString('base64url')}`,
        ],
      ]);
      // The untouched token still works: nothing above poisoned anything.
      await expectAccepted(t, user, user.accessToken, 'the token from login, after the attacks');
    },
  },
  {
    id: 'E18',
    title: 'an expired token is refused, also one accepted while it was valid',
    async run(t) {
      const user = await t.user();
      await expectAccepted(t, user, t.keys.accessToken(user.id, ['trader']), 'a valid token');
      const now = nowSec();
      await expectRefused(
        t,
        [
          [
            'expired an hour ago',
            t.keys.accessToken(user.id, ['trader'], { iat: now - 7200, exp: now - 3600 }),
          ],
          [
            'expired a minute ago',
            t.keys.accessToken(user.id, ['trader'], { iat: now - 360, exp: now - 60 }),
          ],
        ],
        'ALP_AUTH_TOKEN_EXPIRED',
      );
      // Verified tokens are remembered: one accepted while valid must still be refused after
      // its exp (plus the platform's 5 s clock tolerance).
      const exp = nowSec() + 2;
      const shortLived = t.keys.accessToken(user.id, ['trader'], { exp });
      await expectAccepted(t, user, shortLived, 'a token valid for 2 s');
      const waitMs = (exp + 5 + 1) * 1000 - Date.now();
      await sleep(Math.max(0, waitMs), undefined, { signal: t.signal });
      await expectRefused(
        t,
        [['the same token, now expired', shortLived]],
        'ALP_AUTH_TOKEN_EXPIRED',
      );
    },
  },
  {
    id: 'E19',
    title: 'a wrong audience is refused',
    async run(t) {
      const user = await t.user();
      await expectAccepted(t, user, t.keys.accessToken(user.id, ['trader']), 'our audience');
      const token = (aud: unknown) => t.keys.accessToken(user.id, ['trader'], { aud });
      await expectRefused(t, [
        ['aud another-api', token('another-api')],
        ['aud the user service (a service-token audience)', token('user')],
        ['aud a list without ours', token(['another-api', 'yet-another'])],
        ['aud our audience with a suffix', token(`${t.keys.audience}.evil`)],
        ['aud empty', token('')],
        ['no aud', token(undefined)],
      ]);
    },
  },
  {
    id: 'E20',
    title: 'a hostile kid (path, SQL, 10 KB, unknown) is refused',
    async run(t) {
      const user = await t.user();
      await expectAccepted(t, user, t.keys.accessToken(user.id, ['trader']), "the platform's kid");
      // Correctly signed with the platform's key: only the kid is wrong.
      const withKid = (kid: string) =>
        t.keys.sign({ alg: 'RS256', typ: 'at+jwt', kid }, claimsFor(t, user.id));
      await expectRefused(t, [
        ['kid as a path', withKid('../../../../etc/passwd')],
        ['kid as a path to the key file', withKid('../keys/jwt-public.pem')],
        ['kid as SQL', withKid("' OR 1=1; DROP TABLE keys; --")],
        ['kid of 10 KB', withKid('k'.repeat(10 * 1024))],
        ['an unknown kid', withKid(`key-${randomUUID()}`)],
        ['an empty kid', withKid('')],
      ]);
      // Users still work afterwards: no lookup above broke the key set.
      await expectAccepted(t, user, user.accessToken, 'the token from login, after the attacks');
    },
  },
]);
