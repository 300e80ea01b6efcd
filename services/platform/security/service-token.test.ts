import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createAccessTokenVerifier } from './access-token.js';
import { createStaticKeySet } from './key-set.js';
import { createServiceTokenSource } from './service-token-source.js';
import { createServiceTokenVerifier } from './service-token.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys = createStaticKeySet({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k' }] });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function sign(typ: string, over: Record<string, unknown> = {}) {
  const iat = Math.floor(Date.now() / 1000);
  const payload = {
    iss: 'alphintra-auth',
    aud: 'risk',
    sub: 'trading',
    iat,
    exp: iat + 300,
    jti: 'j',
    ...over,
  };
  const input = `${b64({ alg: 'RS256', typ, kid: 'k' })}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

const riskVerifier = createServiceTokenVerifier({
  keys,
  issuer: 'alphintra-auth',
  audience: 'risk',
  allowedCallers: ['trading'],
});

describe('service token verifier', () => {
  test('accepts a service token from an allowed caller addressed to us', async () => {
    await expect(riskVerifier.verify(sign('svc+jwt'))).resolves.toEqual({
      service: 'trading',
      jti: 'j',
      exp: expect.any(Number),
    });
  });

  test.each([
    ['a user access token', () => sign('at+jwt', { aud: 'risk', roles: [] })],
    ['a token for another service', () => sign('svc+jwt', { aud: 'broker' })],
    ['a token from another issuer', () => sign('svc+jwt', { iss: 'someone' })],
    ['an expired token', () => sign('svc+jwt', { exp: Math.floor(Date.now() / 1000) - 600 })],
  ])('refuses %s', async (_n, make) => {
    await expect(riskVerifier.verify(make())).rejects.toMatchObject({
      code: expect.stringMatching(/^ALP_AUTH_TOKEN_(INVALID|EXPIRED)$/),
      statusCode: 401,
    });
  });

  test('a caller not on the allow-list gets ALP_AUTH_CALLER_FORBIDDEN (403)', async () => {
    await expect(
      riskVerifier.verify(sign('svc+jwt', { sub: 'notification' })),
    ).rejects.toMatchObject({
      code: 'ALP_AUTH_CALLER_FORBIDDEN',
      statusCode: 403,
    });
  });

  test('a service token is never a user access token', async () => {
    const users = createAccessTokenVerifier({ keys, issuer: 'alphintra-auth', audience: 'risk' });
    await expect(users.verify(sign('svc+jwt', { roles: ['admin'] }))).rejects.toMatchObject({
      code: 'ALP_AUTH_TOKEN_INVALID',
    });
  });
});

describe('service token source', () => {
  test('reuses a token until it is near expiry, then fetches a new one', async () => {
    let t = 0;
    const asked: string[] = [];
    const source = createServiceTokenSource({
      now: () => t,
      renewBeforeSec: 60,
      fetchToken: async (aud) => {
        asked.push(aud);
        return { token: `tok-${aud}-${asked.length}`, expiresInSec: 300 };
      },
    });
    expect(await source.getToken('risk')).toBe('tok-risk-1');
    t = 239_999;
    expect(await source.getToken('risk')).toBe('tok-risk-1');
    t = 240_000;
    expect(await source.getToken('risk')).toBe('tok-risk-2');
    expect(await source.getToken('broker')).toBe('tok-broker-3');
    expect(asked).toEqual(['risk', 'risk', 'broker']);
  });

  test('concurrent callers share one fetch; a failed fetch is not cached', async () => {
    let calls = 0;
    const source = createServiceTokenSource({
      fetchToken: async () => {
        calls += 1;
        if (calls === 1) throw new Error('auth down');
        return { token: 'ok', expiresInSec: 300 };
      },
    });
    const first = await Promise.allSettled([source.getToken('risk'), source.getToken('risk')]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await source.getToken('risk')).toBe('ok');
    expect(calls).toBe(2);
  });
});
