import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAccessTokenVerifier } from './access-token.js';
import { httpJwksFetcher } from './jwks-http.js';
import { parseJwks } from './jwks.js';
import { createJwksKeySet } from './key-set.js';
import { until } from '../../../test/support/until.js';

const k1 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const k2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (k: KeyObject, kid: string) => ({
  ...k.export({ format: 'jwk' }),
  kid,
  alg: 'RS256',
  use: 'sig',
});

function counted(docs: unknown[]) {
  const fetcher = async () => {
    fetcher.calls += 1;
    const doc = docs[Math.min(fetcher.calls - 1, docs.length - 1)];
    if (doc instanceof Error) throw doc;
    return doc;
  };
  fetcher.calls = 0;
  return fetcher;
}

function clock(start = 1_000_000) {
  const c = () => c.t;
  c.t = start;
  return c;
}

describe('parseJwks', () => {
  test('keeps RSA RS256 signature keys, skips the rest', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const keys = parseJwks({
      keys: [
        jwk(k1.publicKey, 'a'),
        { ...jwk(k2.publicKey, 'b'), alg: 'RS512' },
        { ...jwk(k2.publicKey, 'c'), use: 'enc' },
        jwk(small, 'd'),
        { ...ec.export({ format: 'jwk' }), kid: 'e' },
        { ...jwk(k2.publicKey, ''), kid: '' },
        { kty: 'oct', k: 'c2VjcmV0', kid: 'f' },
        null,
        { ...jwk(k2.publicKey, 'a') },
      ],
    });
    expect([...keys.keys()]).toEqual(['a']);
    expect(keys.get('a')!.pem).toBe(
      k1.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
  });

  test('refuses a document without keys', () => {
    expect(() => parseJwks({ nope: [] })).toThrow('JWKS document has no keys array');
  });
});

describe('JWKS key set', () => {
  test('fetches once and serves lookups from memory', async () => {
    const fetchJwks = counted([{ keys: [jwk(k1.publicKey, 'a')] }]);
    const set = createJwksKeySet({ fetchJwks, now: clock() });
    expect((await set.getKey('a'))?.kid).toBe('a');
    expect((await set.getKey('a'))?.kid).toBe('a');
    expect(fetchJwks.calls).toBe(1);
  });

  test('concurrent first lookups share one fetch', async () => {
    const fetchJwks = counted([{ keys: [jwk(k1.publicKey, 'a')] }]);
    const set = createJwksKeySet({ fetchJwks, now: clock() });
    await Promise.all([set.getKey('a'), set.getKey('a'), set.getKey('zz')]);
    expect(fetchJwks.calls).toBe(1);
  });

  test('an unknown kid refetches at most once per interval', async () => {
    const now = clock();
    const fetchJwks = counted([{ keys: [jwk(k1.publicKey, 'a')] }]);
    const set = createJwksKeySet({ fetchJwks, now, minRefetchIntervalMs: 30_000 });
    await set.getKey('a');
    now.t += 30_000;
    for (let i = 0; i < 100; i += 1) expect(await set.getKey(`random-${i}`)).toBeUndefined();
    expect(fetchJwks.calls).toBe(2);
    now.t += 29_999;
    expect(await set.getKey('again')).toBeUndefined();
    expect(fetchJwks.calls).toBe(2);
    now.t += 1;
    expect(await set.getKey('again')).toBeUndefined();
    expect(fetchJwks.calls).toBe(3);
  });

  test('a rotated-in key is found by the refetch on its unknown kid', async () => {
    const now = clock();
    const fetchJwks = counted([
      { keys: [jwk(k1.publicKey, 'a')] },
      { keys: [jwk(k2.publicKey, 'b'), jwk(k1.publicKey, 'a')] },
    ]);
    const set = createJwksKeySet({ fetchJwks, now, minRefetchIntervalMs: 30_000 });
    await set.getKey('a');
    now.t += 31_000;
    expect((await set.getKey('b'))?.kid).toBe('b');
    expect((await set.getKey('a'))?.kid).toBe('a');
    expect(fetchJwks.calls).toBe(2);
  });

  test('no key set yet and the fetch fails: ALP_AUTH_KEYS_UNAVAILABLE, retried after the back-off', async () => {
    const now = clock();
    const fetchJwks = counted([new Error('ECONNREFUSED'), { keys: [jwk(k1.publicKey, 'a')] }]);
    const set = createJwksKeySet({ fetchJwks, now, failureBackoffMs: 1_000 });
    await expect(set.getKey('a')).rejects.toMatchObject({
      code: 'ALP_AUTH_KEYS_UNAVAILABLE',
      statusCode: 503,
    });
    await expect(set.getKey('a')).rejects.toMatchObject({ code: 'ALP_AUTH_KEYS_UNAVAILABLE' });
    expect(fetchJwks.calls).toBe(1);
    now.t += 1_000;
    expect((await set.getKey('a'))?.kid).toBe('a');
    expect(fetchJwks.calls).toBe(2);
  });

  test('peekKey answers from memory only, and starts the refresh of a stale set', async () => {
    const now = clock();
    const fetchJwks = counted([
      { keys: [jwk(k1.publicKey, 'a')] },
      { keys: [jwk(k1.publicKey, 'a'), jwk(k2.publicKey, 'b')] },
    ]);
    const set = createJwksKeySet({ fetchJwks, now, maxAgeMs: 60_000, minRefetchIntervalMs: 0 });
    expect(set.peekKey('a')).toBeUndefined();
    expect(fetchJwks.calls).toBe(0);
    const a = await set.getKey('a');
    expect(set.peekKey('a')).toBe(a);
    expect(set.peekKey('b')).toBeUndefined();
    expect(fetchJwks.calls).toBe(1);
    now.t += 61_000;
    expect(set.peekKey('a')?.kid).toBe('a');
    expect(fetchJwks.calls).toBe(2);
    await until('the refreshed set', async () => set.peekKey('b'));
  });

  test('a stale set is refreshed in the background and kept if the refresh fails', async () => {
    const now = clock();
    const fetchJwks = counted([{ keys: [jwk(k1.publicKey, 'a')] }, new Error('down')]);
    const set = createJwksKeySet({
      fetchJwks,
      now,
      maxAgeMs: 60_000,
      minRefetchIntervalMs: 30_000,
    });
    await set.getKey('a');
    now.t += 61_000;
    expect((await set.getKey('a'))?.kid).toBe('a');
    expect(fetchJwks.calls).toBe(2);
    await Promise.resolve();
    expect((await set.getKey('a'))?.kid).toBe('a');
    expect(fetchJwks.calls).toBe(2);
  });
});

describe('over HTTP: hostile headers never reach any server but the configured one', () => {
  let auth: Server;
  let canary: Server;
  let authHits = 0;
  let canaryHits = 0;
  const base = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  beforeAll(async () => {
    auth = createServer((q, r) => {
      authHits += 1;
      if (q.url !== '/.well-known/jwks.json') {
        r.statusCode = 404;
        r.end();
        return;
      }
      r.setHeader('content-type', 'application/json');
      r.end(JSON.stringify({ keys: [jwk(k1.publicKey, 'a')] }));
    });
    canary = createServer((_q, r) => {
      canaryHits += 1;
      r.end(JSON.stringify({ keys: [jwk(k2.publicKey, 'evil')] }));
    });
    await new Promise<void>((r) => auth.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => auth.close(() => r()));
    await new Promise<void>((r) => canary.close(() => r()));
  });

  test('jku, x5u, jwk and URL-shaped kids: refused; the canary gets nothing, auth one refetch', async () => {
    const set = createJwksKeySet({
      fetchJwks: httpJwksFetcher(`${base(auth)}/.well-known/jwks.json`),
    });
    const verifier = createAccessTokenVerifier({ keys: set, issuer: 'i', audience: 'a' });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: 'i', aud: 'a', sub: 's', iat: now, exp: now + 60, jti: 'j', roles: [] };
    const canaryUrl = `${base(canary)}/jwks.json`;
    const headers = [
      { jku: canaryUrl, kid: 'evil' },
      { x5u: canaryUrl, kid: 'evil' },
      { jwk: jwk(k2.publicKey, 'evil'), kid: 'evil' },
      { kid: canaryUrl },
      { kid: `//127.0.0.1:${(canary.address() as AddressInfo).port}/x` },
    ];
    for (const h of headers) {
      const input = `${b64({ alg: 'RS256', typ: 'at+jwt', ...h })}.${b64(payload)}`;
      const sig = createSign('RSA-SHA256').update(input).sign(k2.privateKey).toString('base64url');
      await expect(verifier.verify(`${input}.${sig}`)).rejects.toMatchObject({
        code: 'ALP_AUTH_TOKEN_INVALID',
      });
    }
    expect(canaryHits).toBe(0);
    // First lookup loads the set; the unknown kids then share no more than the bounded refetch.
    expect(authHits).toBe(1);
    expect(set.fetchCount).toBe(1);
  });

  test('the HTTP fetcher refuses a non-200 answer', async () => {
    await expect(httpJwksFetcher(`${base(auth)}/nope`)()).rejects.toThrow(/answered 404/);
  });
});
