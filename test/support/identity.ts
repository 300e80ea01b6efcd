import {
  createHmac,
  createSign,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { createStaticKeySet, type KeySource } from '../../services/platform/security/index.js';

/*
 * Keys and tokens for tests of services that verify tokens: one RSA key pair made in the test
 * (never a committed key), its JWKS, and signers for access and service tokens shaped exactly
 * like auth's (see services/auth/domain/token-signer.ts).
 */

export const TEST_ISSUER = 'alphintra-auth-test';
export const TEST_AUDIENCE = 'alphintra-api-test';

export interface TestIdentity {
  readonly kid: string;
  readonly issuer: string;
  readonly audience: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PKCS#8 PEM of the private key (what JWT_PRIVATE_KEY_FILE holds). */
  readonly privatePem: string;
  /** SPKI PEM of the public key (what an HS256 key-confusion attack signs with). */
  readonly publicPem: string;
  readonly jwks: { keys: Record<string, unknown>[] };
  /** A static key source over `jwks` (BuildOptions.keys). */
  readonly keys: KeySource;
  /** Access token (typ at+jwt) for a user; `claims`/`header` override or remove (undefined) members. */
  accessToken(
    user: { id: string; roles?: readonly string[] },
    claims?: Record<string, unknown>,
    header?: Record<string, unknown>,
  ): string;
  /** Service token (typ svc+jwt): sub = caller, aud = target. */
  serviceToken(caller: string, target: string, claims?: Record<string, unknown>): string;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
export const nowSec = () => Math.floor(Date.now() / 1000);

/** Signs header.payload with RS256 (any header, any claims: attacks need both). */
export function signRs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

/** The token with one bit of its signature flipped (a forgery that is otherwise perfect). */
export function flipSignatureByte(token: string): string {
  const [header, payload, signature] = token.split('.');
  const sig = Buffer.from(signature!, 'base64url');
  sig[10] = sig[10]! ^ 0x01;
  return `${header}.${payload}.${sig.toString('base64url')}`;
}

export function signHs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export function createTestIdentity(
  opts: {
    issuer?: string;
    audience?: string;
    kid?: string;
    /** An existing key pair (e.g. the one a spawned auth signs with); default: a new one. */
    keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
  } = {},
): TestIdentity {
  const issuer = opts.issuer ?? TEST_ISSUER;
  const audience = opts.audience ?? TEST_AUDIENCE;
  const kid = opts.kid ?? `test-${randomUUID()}`;
  const { privateKey, publicKey } =
    opts.keyPair ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = {
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }],
  };
  const base = (sub: string, aud: string) => {
    const iat = nowSec();
    return { iss: issuer, aud, sub, iat, exp: iat + 300, jti: randomUUID() };
  };
  return {
    kid,
    issuer,
    audience,
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwks,
    keys: createStaticKeySet(jwks),
    accessToken(user, claims = {}, header = {}) {
      return signRs256(
        { alg: 'RS256', typ: 'at+jwt', kid, ...header },
        { ...base(user.id, audience), roles: [...(user.roles ?? ['trader'])], ...claims },
        privateKey,
      );
    },
    serviceToken(caller, target, claims = {}) {
      return signRs256(
        { alg: 'RS256', typ: 'svc+jwt', kid },
        { ...base(caller, target), ...claims },
        privateKey,
      );
    },
  };
}

let attackerKey: ReturnType<typeof generateKeyPairSync> | undefined;
/** The attacker's own key pair (made once: RSA generation is slow). */
function otherKey() {
  attackerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return attackerKey;
}

/**
 * Every JWT attack of issue 4 as a token aimed at a service that trusts `id`: each must be
 * answered 401. `canaryUrl` gives a loopback server that must never receive a request (jku, x5u).
 */
export function jwtAttacks(
  id: TestIdentity,
  user: { id: string; roles?: readonly string[] },
  canaryUrl: () => string,
): [string, () => string][] {
  const other = otherKey();
  const claims = () => {
    const iat = nowSec();
    return {
      iss: id.issuer,
      aud: id.audience,
      sub: user.id,
      iat,
      exp: iat + 300,
      jti: randomUUID(),
      roles: [...(user.roles ?? ['admin'])],
    };
  };
  const header = { typ: 'at+jwt', kid: id.kid };
  const good = (c: Record<string, unknown> = {}, h: Record<string, unknown> = {}) =>
    id.accessToken(user, c, h);
  return [
    ...['none', 'NONE', 'None', 'nOnE'].flatMap((alg): [string, () => string][] => [
      [`alg ${alg}, empty signature`, () => `${b64({ ...header, alg })}.${b64(claims())}.`],
      [`alg ${alg}, junk signature`, () => `${b64({ ...header, alg })}.${b64(claims())}.AAAA`],
    ]),
    [
      'HS256 signed with the public key PEM',
      () => signHs256({ ...header, alg: 'HS256' }, claims(), id.publicPem),
    ],
    [
      'HS256 with whitespace before the PEM',
      () => signHs256({ ...header, alg: 'HS256' }, claims(), `  \n${id.publicPem}`),
    ],
    [
      'HS256 with junk before the PEM',
      () => signHs256({ ...header, alg: 'HS256' }, claims(), `junk${id.publicPem}`),
    ],
    ['flipped signature byte', () => flipSignatureByte(good())],
    [
      'signed by another key with our kid',
      () => signRs256({ alg: 'RS256', ...header }, claims(), other.privateKey),
    ],
    ['expired', () => good({ iat: nowSec() - 7200, exp: nowSec() - 3600 })],
    ['nbf in the future', () => good({ nbf: nowSec() + 3600 })],
    ['wrong iss', () => good({ iss: 'https://evil.example' })],
    ['wrong aud', () => good({ aud: 'another-api' })],
    ['refresh token (opaque) as access token', () => 'q4Yb0w3m8i9SxA7p2oKcZ1uVnE5tRfJdLgHhIyWzXk'],
    ['refresh JWT (typ refresh+jwt)', () => good({ token_use: 'refresh' }, { typ: 'refresh+jwt' })],
    ['service token as access token', () => id.serviceToken('auth', id.audience)],
    ['unknown kid', () => good({}, { kid: 'key-unknown' })],
    ['kid as a path', () => good({}, { kid: '../../../../etc/passwd' })],
    ['kid as SQL', () => good({}, { kid: "' OR 1=1; DROP TABLE keys; --" })],
    ['kid of 10 KB', () => good({}, { kid: 'k'.repeat(10 * 1024) })],
    [
      'jku header to the canary',
      () =>
        signRs256(
          { alg: 'RS256', typ: 'at+jwt', kid: 'evil', jku: canaryUrl() },
          claims(),
          other.privateKey,
        ),
    ],
    [
      'x5u header to the canary',
      () =>
        signRs256(
          { alg: 'RS256', typ: 'at+jwt', kid: 'evil', x5u: canaryUrl() },
          claims(),
          other.privateKey,
        ),
    ],
    [
      'embedded jwk',
      () =>
        signRs256(
          {
            alg: 'RS256',
            typ: 'at+jwt',
            kid: 'evil',
            jwk: { ...other.publicKey.export({ format: 'jwk' }), kid: 'evil' },
          },
          claims(),
          other.privateKey,
        ),
    ],
  ];
}
