import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  createAccessTokenVerifier,
  createServiceTokenVerifier,
  createStaticKeySet,
} from '../../platform/security/index.js';
import { createAccessTokenIssuer } from './access-token-issuer.js';
import { buildJwks } from './jwks-document.js';
import {
  checkServiceCredential,
  createServiceTokenIssuer,
  deriveServiceCredential,
} from './service-credentials.js';
import { loadKeys, rsaThumbprint, signingKeyFromPem } from './signing-key.js';

const pemOf = (k: { privateKey: string }) => k.privateKey;
const gen = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const current = gen();
const previous = gen();
const key = signingKeyFromPem(pemOf(current));

function decode(token: string) {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
  };
}

describe('signing keys', () => {
  test('kid is the RFC 7638 thumbprint, stable across loads', () => {
    expect(signingKeyFromPem(pemOf(current)).kid).toBe(key.kid);
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rsaThumbprint(key.publicKey)).toBe(key.kid);
  });

  test('RFC 7638 example key has the published thumbprint', async () => {
    const { createPublicKey } = await import('node:crypto');
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    const pub = createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' });
    expect(rsaThumbprint(pub)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  test.each([
    [
      'an EC key',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      /RSA key/,
    ],
    [
      'a 1024-bit RSA key',
      () =>
        generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      /1024 bits/,
    ],
  ])('refuses %s', (_n, make, msg) => {
    expect(() => signingKeyFromPem(make())).toThrow(msg);
  });

  test('loads from a file or the env value, plus previous public keys for rotation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alp-keys-'));
    writeFileSync(join(dir, 'jwt.pem'), current.privateKey);
    writeFileSync(join(dir, 'old.pub.pem'), previous.publicKey);
    const fromFile = loadKeys({
      privateKeyFile: join(dir, 'jwt.pem'),
      previousPublicKeyFiles: [join(dir, 'old.pub.pem')],
    });
    expect(fromFile.signing.kid).toBe(key.kid);
    expect(fromFile.published.map(rsaThumbprint)).toEqual([
      key.kid,
      signingKeyFromPem(previous.privateKey).kid,
    ]);
    expect(loadKeys({ privateKeyPem: current.privateKey }).signing.kid).toBe(key.kid);
    expect(() => loadKeys({})).toThrow(
      'set exactly one of JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_FILE',
    );
  });
});

describe('JWKS document', () => {
  test('publishes n/e only, with kid, alg and use; duplicates once; old key next to new', () => {
    const old = signingKeyFromPem(previous.privateKey);
    const doc = buildJwks([key.privateKey, key.publicKey, old.publicKey]);
    expect(doc.keys.map((k) => [k.kid, k.alg, k.use, k.kty])).toEqual([
      [key.kid, 'RS256', 'sig', 'RSA'],
      [old.kid, 'RS256', 'sig', 'RSA'],
    ]);
    expect(Object.keys(doc.keys[0]!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });
});

describe('access tokens', () => {
  const issue = createAccessTokenIssuer({
    key,
    issuer: 'alphintra-auth',
    audience: 'alphintra-api',
    now: () => 1_700_000_000_000,
  });

  test('header and claims', () => {
    const t = issue({ userId: 'u-1', roles: ['trader'] });
    const { header, payload } = decode(t.token);
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: key.kid });
    expect(payload).toEqual({
      sub: 'u-1',
      aud: 'alphintra-api',
      roles: ['trader'],
      iss: 'alphintra-auth',
      iat: 1_700_000_000,
      exp: 1_700_000_900,
      jti: t.jti,
    });
    expect(t.expiresInSec).toBe(900);
  });

  test('every token gets a fresh jti', () => {
    expect(issue({ userId: 'u', roles: [] }).jti).not.toBe(issue({ userId: 'u', roles: [] }).jti);
  });

  test.each([0, 901, 1.5])('ttl %s is refused', (ttlSec) => {
    expect(() => createAccessTokenIssuer({ key, issuer: 'i', audience: 'a', ttlSec })).toThrow(
      /ttl/,
    );
  });

  test('round trip: the platform verifier accepts it, using the published JWKS', async () => {
    const live = createAccessTokenIssuer({
      key,
      issuer: 'alphintra-auth',
      audience: 'alphintra-api',
    });
    const verifier = createAccessTokenVerifier({
      keys: createStaticKeySet(buildJwks([key.publicKey])),
      issuer: 'alphintra-auth',
      audience: 'alphintra-api',
    });
    const t = live({ userId: 'u-9', roles: ['admin', 'trader'] });
    await expect(verifier.verify(t.token)).resolves.toEqual({
      sub: 'u-9',
      roles: ['admin', 'trader'],
      jti: t.jti,
      iat: t.iat,
      exp: t.exp,
    });
  });

  test('after rotation, tokens of the old key still verify while it is published', async () => {
    const old = signingKeyFromPem(previous.privateKey);
    const oldToken = createAccessTokenIssuer({ key: old, issuer: 'i', audience: 'a' })({
      userId: 'u',
      roles: [],
    });
    const keys = createStaticKeySet(buildJwks([key.publicKey, old.publicKey]));
    await expect(
      createAccessTokenVerifier({ keys, issuer: 'i', audience: 'a' }).verify(oldToken.token),
    ).resolves.toMatchObject({ sub: 'u' });
    const retired = createStaticKeySet(buildJwks([key.publicKey]));
    await expect(
      createAccessTokenVerifier({ keys: retired, issuer: 'i', audience: 'a' }).verify(
        oldToken.token,
      ),
    ).rejects.toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });
});

describe('service credentials and tokens', () => {
  const master = Buffer.alloc(32, 7);

  test('a credential checks for its own service only', () => {
    const cred = deriveServiceCredential(master, 'trading');
    expect(checkServiceCredential(master, 'trading', cred)).toBe(true);
    expect(checkServiceCredential(master, 'risk', cred)).toBe(false);
    expect(checkServiceCredential(master, 'trading', `${cred}x`)).toBe(false);
    expect(checkServiceCredential(master, 'trading', '')).toBe(false);
  });

  test('a short master secret is refused', () => {
    expect(() => deriveServiceCredential(Buffer.alloc(16), 'trading')).toThrow(/32 bytes/);
  });

  test('service token: typ svc+jwt, sub caller, aud target; verifies at the target only', async () => {
    const issue = createServiceTokenIssuer({
      key,
      issuer: 'alphintra-auth',
      services: ['trading', 'risk', 'broker'],
    });
    const t = issue('trading', 'risk');
    const { header, payload } = decode(t.token);
    expect(header).toEqual({ alg: 'RS256', typ: 'svc+jwt', kid: key.kid });
    expect([payload.sub, payload.aud, payload.exp - payload.iat]).toEqual(['trading', 'risk', 300]);
    const keys = createStaticKeySet(buildJwks([key.publicKey]));
    const at = (audience: string) =>
      createServiceTokenVerifier({ keys, issuer: 'alphintra-auth', audience });
    await expect(at('risk').verify(t.token)).resolves.toMatchObject({ service: 'trading' });
    await expect(at('broker').verify(t.token)).rejects.toMatchObject({
      code: 'ALP_AUTH_TOKEN_INVALID',
    });
    expect(() => issue('trading', 'nowhere')).toThrow(/unknown service/);
  });
});
