import { createVerifier } from 'fast-jwt';
import { authError } from './errors.js';
import { MAX_KID_LENGTH, type VerificationKey } from './jwks.js';
import type { KeySource } from './key-set.js';

/** Token types we issue: access tokens for users, service tokens between services. */
export type TokenType = 'at+jwt' | 'svc+jwt';

export interface JwtExpectations {
  readonly typ: TokenType;
  readonly issuer: string;
  readonly audience: string;
  /** Leeway for exp/nbf, in seconds (default 5). */
  readonly clockToleranceSec?: number;
  /** How many verified tokens are remembered (0 disables; default 1000). */
  readonly cacheSize?: number;
}

/** Our tokens are well under 2 KB; a 10 KB kid (or anything this large) is refused unparsed. */
export const MAX_TOKEN_LENGTH = 8 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'exp', 'iat', 'jti'];

type FastVerify = (token: string) => Record<string, unknown>;

export interface JwtVerifier<T> {
  /** Verifies the token (fetching keys if needed) and returns what `derive` made of its claims. */
  verify(token: string): Promise<T>;
  /**
   * The same answer for a token verified before and still valid under the same key, from
   * memory and at once; undefined means "not known here", never "refused": call `verify`.
   */
  peek(token: string): T | undefined;
}

/**
 * Verifies a compact JWS against a key source: RS256 only, kid required and only used as a
 * lookup key, typ/iss/aud/exp required, nbf honoured. Header members we do not know (jku, x5u,
 * jwk, x5c ...) are ignored, so nothing in a token can make us fetch or trust a key. `crit` is
 * refused since we understand no extension. `derive` turns the verified claims into what the
 * caller keeps (and throws for malformed ones); its result is remembered with the token.
 */
export function createJwtVerifier<T>(
  keys: KeySource,
  exp: JwtExpectations,
  derive: (claims: Claims) => T,
): JwtVerifier<T> {
  const toleranceMs = (exp.clockToleranceSec ?? 5) * 1000;
  const cacheSize = exp.cacheSize ?? 1000;
  // One fast-jwt verifier per key object: the key is bound at creation, so the signature can
  // only ever be checked with that RSA public key and `algorithms` pinned to RS256.
  const verifiers = new WeakMap<VerificationKey, FastVerify>();
  const verified = new Map<string, Verified<T>>();

  function verifierFor(key: VerificationKey): FastVerify {
    let v = verifiers.get(key);
    if (!v) {
      v = createVerifier({
        key: key.pem,
        algorithms: ['RS256'],
        allowedIss: exp.issuer,
        allowedAud: exp.audience,
        checkTyp: exp.typ,
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: toleranceMs,
        // Our own cache (below) sits in front; fast-jwt's would hash every token with SHA-256.
        cache: false,
      }) as FastVerify;
      verifiers.set(key, v);
    }
    return v;
  }

  /**
   * A token verified before is taken from the cache while it is still in its validity window and
   * its kid still resolves to the very key object that verified it (a JWKS refresh or a removed
   * key makes it miss). The cache holds only tokens that passed every check, keyed by their exact
   * text, so a hit cannot accept anything a full verification would refuse. A hit costs a map
   * lookup, synchronously, instead of parsing the header, the key lookup's checks, fast-jwt's
   * hashing and a chain of promises (together ~15 % of the gateway's CPU per proxied request).
   */
  function peek(token: string): T | undefined {
    const hit = verified.get(token);
    if (!hit) return undefined;
    const now = Date.now();
    const valid = now <= hit.expiresAtMs + toleranceMs && now >= hit.notBeforeMs - toleranceMs;
    if (valid && keys.peekKey(hit.kid) === hit.key) return hit.value;
    // Expired, or its key rotated out (or the set is reloading): forget it; `verify` decides.
    verified.delete(token);
    return undefined;
  }

  function remember(token: string, kid: string, key: VerificationKey, claims: Claims, value: T) {
    if (cacheSize <= 0) return;
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
    verified.set(token, {
      kid,
      key,
      value,
      expiresAtMs: (claims.exp as number) * 1000,
      notBeforeMs: typeof claims.nbf === 'number' ? claims.nbf * 1000 : 0,
    });
  }

  async function verify(token: string): Promise<T> {
    const known = peek(token);
    if (known !== undefined) return known;
    const header = readHeader(token);
    if (header.alg !== 'RS256') throw authError('ALP_AUTH_TOKEN_INVALID', 'alg is not RS256');
    const { kid, typ } = header;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
      throw authError('ALP_AUTH_TOKEN_INVALID', 'kid missing or malformed');
    }
    if (header.crit !== undefined) throw authError('ALP_AUTH_TOKEN_INVALID', 'crit header');
    if (typeof typ !== 'string' || typ.toLowerCase().replace(/^application\//, '') !== exp.typ) {
      throw authError('ALP_AUTH_TOKEN_INVALID', `typ is not ${exp.typ}`);
    }
    const key = await keys.getKey(kid);
    if (!key) throw authError('ALP_AUTH_TOKEN_INVALID', 'unknown kid');
    let claims: Claims;
    try {
      claims = Object.freeze(verifierFor(key)(token));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'FAST_JWT_EXPIRED') throw authError('ALP_AUTH_TOKEN_EXPIRED', 'exp passed');
      throw authError('ALP_AUTH_TOKEN_INVALID', `${code ?? 'error'}: ${(err as Error).message}`);
    }
    const value = derive(claims);
    remember(token, kid, key, claims, value);
    return value;
  }

  return { verify, peek };
}

/** Verified claims, frozen. */
export type Claims = Readonly<Record<string, unknown>>;

interface Verified<T> {
  readonly kid: string;
  readonly key: VerificationKey;
  /** Shared by every request with the token: `derive` should return something immutable. */
  readonly value: T;
  readonly expiresAtMs: number;
  readonly notBeforeMs: number;
}

function readHeader(token: string): Record<string, unknown> {
  if (token.length > MAX_TOKEN_LENGTH) throw authError('ALP_AUTH_TOKEN_INVALID', 'token too large');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) {
    throw authError('ALP_AUTH_TOKEN_INVALID', 'not a compact JWS');
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    throw authError('ALP_AUTH_TOKEN_INVALID', 'header is not JSON');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    throw authError('ALP_AUTH_TOKEN_INVALID', 'header is not an object');
  }
  return header as Record<string, unknown>;
}
