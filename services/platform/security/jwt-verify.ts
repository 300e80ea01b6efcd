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
  /** Size of fast-jwt's verified-token cache per key (0 disables; default 1000). */
  readonly cacheSize?: number;
}

/** Our tokens are well under 2 KB; a 10 KB kid (or anything this large) is refused unparsed. */
export const MAX_TOKEN_LENGTH = 8 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'exp', 'iat', 'jti'];

type FastVerify = (token: string) => Record<string, unknown>;

/**
 * Verifies a compact JWS against a key source: RS256 only, kid required and only used as a
 * lookup key, typ/iss/aud/exp required, nbf honoured. Header members we do not know (jku, x5u,
 * jwk, x5c ...) are ignored, so nothing in a token can make us fetch or trust a key. `crit` is
 * refused since we understand no extension.
 */
export function createJwtVerifier(keys: KeySource, exp: JwtExpectations) {
  const toleranceMs = (exp.clockToleranceSec ?? 5) * 1000;
  const cacheSize = exp.cacheSize ?? 1000;
  // One fast-jwt verifier per key object: the key is bound at creation, so the signature can
  // only ever be checked with that RSA public key and `algorithms` pinned to RS256.
  const verifiers = new WeakMap<VerificationKey, FastVerify>();

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
        cache: cacheSize,
      }) as FastVerify;
      verifiers.set(key, v);
    }
    return v;
  }

  return async function verifyJwt(token: string): Promise<Record<string, unknown>> {
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
    try {
      return verifierFor(key)(token);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'FAST_JWT_EXPIRED') throw authError('ALP_AUTH_TOKEN_EXPIRED', 'exp passed');
      throw authError('ALP_AUTH_TOKEN_INVALID', `${code ?? 'error'}: ${(err as Error).message}`);
    }
  };
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
