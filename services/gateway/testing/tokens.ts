import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { flipSignatureByte } from '../../../test/support/identity.js';

/*
 * Token builders for gateway tests: a real RS256 key pair published as a JWKS, valid access
 * tokens, and every forgery from issue 4 (alg none, HS256 with the public key, flipped
 * signature, expired, nbf, wrong iss/aud, refresh token, unknown/hostile kid, jku/x5u/jwk).
 */

export const ISSUER = 'alphintra-auth';
export const AUDIENCE = 'alphintra-api';
export const KID = 'gw-key-1';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

export const jwks = {
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }],
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

export function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSec();
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat,
    exp: iat + 600,
    jti: `j-${Math.random().toString(36).slice(2)}`,
    roles: ['trader'],
    ...over,
  };
}

export function rs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject = privateKey,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

function hs256(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A valid access token (override claims or header members to build variants). */
export function accessToken(
  over: Record<string, unknown> = {},
  headerOver: Record<string, unknown> = {},
): string {
  return rs256({ alg: 'RS256', typ: 'at+jwt', kid: KID, ...headerOver }, claims(over));
}

const header = { typ: 'at+jwt', kid: KID };

/** Every forged or unacceptable token, by name; `canaryUrl` receives no request if all is well. */
export function attackTokens(canaryUrl: string): [string, string][] {
  const flipped = () => flipSignatureByte(accessToken());
  const evilJwk = { ...otherKeys.publicKey.export({ format: 'jwk' }), kid: 'evil' };
  return [
    ...['none', 'NONE', 'None', 'nOnE'].map((alg): [string, string] => [
      `alg ${alg}`,
      `${b64({ ...header, alg })}.${b64(claims())}.`,
    ]),
    ['HS256 signed with the public key', hs256({ ...header, alg: 'HS256' }, claims(), publicPem)],
    [
      'HS256 with whitespace before the PEM',
      hs256({ ...header, alg: 'HS256' }, claims(), `  \n${publicPem}`),
    ],
    [
      'HS256 with junk before the PEM',
      hs256({ ...header, alg: 'HS256' }, claims(), `junk${publicPem}`),
    ],
    ['flipped signature byte', flipped()],
    ['expired', accessToken({ iat: nowSec() - 7200, exp: nowSec() - 3600 })],
    ['nbf in the future', accessToken({ nbf: nowSec() + 3600 })],
    ['wrong iss', accessToken({ iss: 'evil' })],
    ['wrong aud', accessToken({ aud: 'another-api' })],
    ['refresh token (opaque) as access token', 'q4Yb0w3m8i9SxA7p2oKcZ1uVnE5tRfJdLgHhIyWzXk'],
    ['refresh JWT as access token', accessToken({}, { typ: 'refresh+jwt' })],
    ['unknown kid', accessToken({}, { kid: 'key-unknown' })],
    ['kid as a path', accessToken({}, { kid: '../../../../etc/passwd' })],
    ['kid as SQL', accessToken({}, { kid: "' OR 1=1; DROP TABLE keys; --" })],
    ['kid of 10 KB', accessToken({}, { kid: 'k'.repeat(10 * 1024) })],
    [
      'jku header',
      rs256(
        { alg: 'RS256', typ: 'at+jwt', jku: canaryUrl, kid: 'evil' },
        claims(),
        otherKeys.privateKey,
      ),
    ],
    [
      'x5u header',
      rs256(
        { alg: 'RS256', typ: 'at+jwt', x5u: canaryUrl, kid: 'evil' },
        claims(),
        otherKeys.privateKey,
      ),
    ],
    [
      'embedded jwk',
      rs256(
        { alg: 'RS256', typ: 'at+jwt', jwk: evilJwk, kid: 'evil' },
        claims(),
        otherKeys.privateKey,
      ),
    ],
    [
      'jku with our kid',
      rs256(
        { alg: 'RS256', typ: 'at+jwt', jku: canaryUrl, kid: KID },
        claims(),
        otherKeys.privateKey,
      ),
    ],
  ];
}
