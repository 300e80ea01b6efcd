import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { flipSignatureByte } from '../../../test/support/identity.js';
import { bearerToken, createAccessTokenVerifier } from './access-token.js';
import { type VerificationKey } from './jwks.js';
import { createStaticKeySet, type KeySource } from './key-set.js';

const ISS = 'alphintra-auth';
const AUD = 'alphintra-api';
const KID = 'key-1';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const jwks = {
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }],
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

function claims(over: Record<string, unknown> = {}) {
  const iat = nowSec();
  return {
    iss: ISS,
    aud: AUD,
    sub: 'user-1',
    iat,
    exp: iat + 600,
    jti: 'j-1',
    roles: ['trader'],
    ...over,
  };
}

function rs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject = privateKey,
) {
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${sig}`;
}

function hs256(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const good = (over: Record<string, unknown> = {}, headerOver: Record<string, unknown> = {}) =>
  rs256({ alg: 'RS256', typ: 'at+jwt', kid: KID, ...headerOver }, claims(over));

const verifier = createAccessTokenVerifier({
  keys: createStaticKeySet(jwks),
  issuer: ISS,
  audience: AUD,
  cacheSize: 0,
});

/** Tokens that must be refused, each made fresh (after the key pair above). */
const attackHeader = { typ: 'at+jwt', kid: KID };
const attacks: [string, () => string][] = [
  ...['none', 'NONE', 'None', 'nOnE'].flatMap((alg): [string, () => string][] => [
    [`alg ${alg}, empty signature`, () => `${b64({ ...attackHeader, alg })}.${b64(claims())}.`],
    [`alg ${alg}, junk signature`, () => `${b64({ ...attackHeader, alg })}.${b64(claims())}.AAAA`],
  ]),
  [
    'HS256 signed with the public key PEM',
    () => hs256({ ...attackHeader, alg: 'HS256' }, claims(), publicPem),
  ],
  [
    'HS256 with whitespace before the PEM',
    () => hs256({ ...attackHeader, alg: 'HS256' }, claims(), `  \n${publicPem}`),
  ],
  [
    'HS256 with junk before the PEM',
    () => hs256({ ...attackHeader, alg: 'HS256' }, claims(), `junk${publicPem}`),
  ],
  [
    'header says RS256, signature is HMAC with the PEM',
    () => hs256({ ...attackHeader, alg: 'RS256' }, claims(), publicPem),
  ],
  ['RS512 (not pinned)', () => `${b64({ ...attackHeader, alg: 'RS512' })}.${b64(claims())}.AAAA`],
  ['flipped signature byte', () => flipSignatureByte(good())],
  [
    'signed by another key with our kid',
    () => rs256({ alg: 'RS256', ...attackHeader }, claims(), other.privateKey),
  ],
  ['nbf in the future', () => good({ nbf: nowSec() + 3600 })],
  ['wrong iss', () => good({ iss: 'evil' })],
  ['wrong aud', () => good({ aud: 'another-api' })],
  ['missing exp', () => good({ exp: undefined })],
  ['missing sub', () => good({ sub: undefined })],
  ['missing roles', () => good({ roles: undefined })],
  ['missing typ', () => rs256({ alg: 'RS256', kid: KID }, claims())],
  ['typ JWT', () => good({}, { typ: 'JWT' })],
  ['refresh token (opaque) as access token', () => 'q4Yb0w3m8i9SxA7p2oKcZ1uVnE5tRfJdLgHhIyWzXk'],
  [
    'refresh JWT (typ refresh+jwt) as access token',
    () => good({ token_use: 'refresh' }, { typ: 'refresh+jwt' }),
  ],
  ['service token (typ svc+jwt) as access token', () => good({ aud: AUD }, { typ: 'svc+jwt' })],
  ['unknown kid', () => good({}, { kid: 'key-2' })],
  ['missing kid', () => good({}, { kid: undefined })],
  ['kid as a path', () => good({}, { kid: '../../../../etc/passwd' })],
  ['kid as SQL', () => good({}, { kid: "' OR 1=1; DROP TABLE keys; --" })],
  ['kid __proto__', () => good({}, { kid: '__proto__' })],
  ['kid of 10 KB', () => good({}, { kid: 'k'.repeat(10 * 1024) })],
  ['kid as a number', () => good({}, { kid: 1 })],
  ['crit header', () => good({}, { crit: ['exp'] })],
  ['two segments', () => good().split('.').slice(0, 2).join('.')],
  ['four segments', () => `${good()}.AAAA`],
  ['header not JSON', () => `${Buffer.from('{nope').toString('base64url')}.${b64(claims())}.AAAA`],
  ['header is an array', () => `${b64(['RS256'])}.${b64(claims())}.AAAA`],
  ['padding in a segment', () => good().replace('.', '=.')],
];

describe('access token verifier', () => {
  test('accepts a valid token and returns its claims', async () => {
    const token = good();
    await expect(verifier.verify(token)).resolves.toMatchObject({
      sub: 'user-1',
      roles: ['trader'],
      jti: 'j-1',
    });
  });

  test('accepts typ application/at+jwt (RFC 9068 allows the media-type form)', async () => {
    await expect(verifier.verify(good({}, { typ: 'application/at+jwt' }))).resolves.toMatchObject({
      sub: 'user-1',
    });
  });

  test('missing token is ALP_AUTH_TOKEN_MISSING', async () => {
    await expect(verifier.verify(undefined)).rejects.toMatchObject({
      code: 'ALP_AUTH_TOKEN_MISSING',
      statusCode: 401,
    });
    await expect(verifier.verify('')).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_MISSING' });
  });

  test.each(attacks)('refuses %s with ALP_AUTH_TOKEN_INVALID', async (_name, make) => {
    await expect(verifier.verify(make())).rejects.toMatchObject({
      code: 'ALP_AUTH_TOKEN_INVALID',
      statusCode: 401,
    });
  });

  test('expired token is ALP_AUTH_TOKEN_EXPIRED', async () => {
    const token = good({ iat: nowSec() - 7200, exp: nowSec() - 3600 });
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ALP_AUTH_TOKEN_EXPIRED',
      statusCode: 401,
    });
  });

  test('a token expired by less than the leeway still passes; by more it fails', async () => {
    await expect(verifier.verify(good({ exp: nowSec() - 2 }))).resolves.toMatchObject({
      sub: 'user-1',
    });
    await expect(verifier.verify(good({ exp: nowSec() - 60 }))).rejects.toMatchObject({
      code: 'ALP_AUTH_TOKEN_EXPIRED',
    });
  });

  test('the client message never says why (the reason is for logs)', async () => {
    const err = await verifier.verify(good({ aud: 'x' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'the token is invalid' });
    expect((err as { reason: string }).reason).toMatch(/aud/);
  });
});

describe('the verified-token cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const cachedVerifier = (keys: KeySource = createStaticKeySet(jwks)) =>
    createAccessTokenVerifier({ keys, issuer: ISS, audience: AUD, clockToleranceSec: 5 });

  test.each(attacks)('with the good token cached, still refuses %s', async (_name, make) => {
    const v = cachedVerifier();
    await v.verify(good());
    await expect(v.verify(make())).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  test('a cached token expires on time (with the leeway)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const v = cachedVerifier();
    const token = good({ exp: nowSec() + 60 });
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    vi.setSystemTime(Date.now() + 64_000);
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    vi.setSystemTime(Date.now() + 2_000);
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_EXPIRED' });
  });

  test('a cached token is refused once its key is gone from the key set', async () => {
    const key = await createStaticKeySet(jwks).getKey(KID);
    let current: VerificationKey | undefined = key;
    const lookup = (kid: string) => (kid === KID ? current : undefined);
    const v = cachedVerifier({ getKey: async (kid) => lookup(kid), peekKey: lookup });
    const token = good();
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    current = undefined;
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  test('a cached token is checked again when its kid now names another key', async () => {
    const key = await createStaticKeySet(jwks).getKey(KID);
    const otherJwks = {
      keys: [{ ...other.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }],
    };
    const replacement = await createStaticKeySet(otherJwks).getKey(KID);
    let current = key;
    const v = cachedVerifier({ getKey: async () => current, peekKey: () => current });
    const token = good();
    await v.verify(token);
    current = replacement;
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  test('peek answers only for a token verify accepted, and only while it stays valid', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const v = cachedVerifier();
    const token = good({ exp: nowSec() + 60 });
    expect(v.peek(token)).toBeUndefined();
    const claims = await v.verify(token);
    expect(v.peek(token)).toBe(claims);
    for (const [, make] of attacks) expect(v.peek(make())).toBeUndefined();
    vi.setSystemTime(Date.now() + 66_000);
    expect(v.peek(token)).toBeUndefined();
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_EXPIRED' });
  });

  test('claims handed out from the cache cannot be changed by a caller', async () => {
    const v = cachedVerifier();
    const token = good();
    const first = await v.verify(token);
    expect(() => (first.roles as string[]).push('admin')).toThrow(TypeError);
    await expect(v.verify(token)).resolves.toMatchObject({ roles: ['trader'] });
  });
});

describe('jku / x5u / embedded jwk headers are never followed', () => {
  let canary: Server;
  let url: string;
  let hits = 0;
  beforeAll(async () => {
    canary = createServer((_req, res) => {
      hits += 1;
      res.end(
        JSON.stringify({ keys: [{ ...other.publicKey.export({ format: 'jwk' }), kid: 'evil' }] }),
      );
    });
    await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => canary.close(() => r())));

  test.each([
    ['jku', () => ({ jku: url, kid: 'evil' })],
    ['x5u', () => ({ x5u: url, kid: 'evil' })],
    [
      'embedded jwk',
      () => ({ jwk: { ...other.publicKey.export({ format: 'jwk' }), kid: 'evil' }, kid: 'evil' }),
    ],
    ['jku with our kid', () => ({ jku: url, kid: KID })],
  ])('%s: refused, canary receives no request', async (_n, extra) => {
    const token = rs256({ alg: 'RS256', typ: 'at+jwt', ...extra() }, claims(), other.privateKey);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
    expect(hits).toBe(0);
  });
});

describe('bearerToken', () => {
  test.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER  abc ', 'abc'],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  test.each([
    [undefined, 'ALP_AUTH_TOKEN_MISSING'],
    ['', 'ALP_AUTH_TOKEN_MISSING'],
    ['Basic dXNlcjpwYXNz', 'ALP_AUTH_TOKEN_INVALID'],
    ['Bearer', 'ALP_AUTH_TOKEN_INVALID'],
    ['Bearer a b', 'ALP_AUTH_TOKEN_INVALID'],
  ])('%j → %s', (header, code) => {
    expect(() => bearerToken(header)).toThrow(expect.objectContaining({ code }));
  });
});
