import { authError } from './errors.js';
import { createJwtVerifier, type Claims } from './jwt-verify.js';
import type { KeySource } from './key-set.js';

/** What a verified access token tells a service about its caller. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

export interface AccessTokenVerifierOptions {
  readonly keys: KeySource;
  /** JWT_ISSUER, e.g. `alphintra-auth`. */
  readonly issuer: string;
  /** JWT_AUDIENCE, e.g. `alphintra-api`. */
  readonly audience: string;
  readonly clockToleranceSec?: number;
  readonly cacheSize?: number;
}

export interface AccessTokenVerifier {
  /** Rejects with an AuthError (ALP_AUTH_TOKEN_MISSING/INVALID/EXPIRED, ALP_AUTH_KEYS_UNAVAILABLE). */
  verify(token: string | undefined): Promise<AccessTokenClaims>;
  /**
   * The claims of a token verified before and still valid, at once (no promise, no I/O);
   * undefined means "ask `verify`", never "refused". The hot path of every authenticated request.
   */
  peek(token: string): AccessTokenClaims | undefined;
}

/** The claims a service relies on, checked; frozen because one object serves every request. */
function accessClaims(p: Claims): AccessTokenClaims {
  const { sub, roles, jti, iat, exp } = p;
  if (typeof sub !== 'string' || sub.length === 0) {
    throw authError('ALP_AUTH_TOKEN_INVALID', 'sub is not a string');
  }
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) {
    throw authError('ALP_AUTH_TOKEN_INVALID', 'roles is not a string array');
  }
  if (typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') {
    throw authError('ALP_AUTH_TOKEN_INVALID', 'jti/iat/exp malformed');
  }
  return Object.freeze({ sub, roles: Object.freeze([...roles]) as string[], jti, iat, exp });
}

/**
 * Verifies user access tokens (header typ `at+jwt`). Refresh tokens are opaque strings and fail
 * as malformed; a JWT of any other typ (`svc+jwt`, `refresh+jwt`) fails the typ check.
 */
export function createAccessTokenVerifier(opts: AccessTokenVerifierOptions): AccessTokenVerifier {
  const jwt = createJwtVerifier(
    opts.keys,
    {
      typ: 'at+jwt',
      issuer: opts.issuer,
      audience: opts.audience,
      ...(opts.clockToleranceSec !== undefined && { clockToleranceSec: opts.clockToleranceSec }),
      ...(opts.cacheSize !== undefined && { cacheSize: opts.cacheSize }),
    },
    accessClaims,
  );
  return {
    async verify(token) {
      if (!token) throw authError('ALP_AUTH_TOKEN_MISSING', 'no token');
      return jwt.verify(token);
    },
    peek: jwt.peek,
  };
}

/**
 * The token of an `Authorization: Bearer <token>` header. Absent header → ALP_AUTH_TOKEN_MISSING;
 * another scheme or an empty token → ALP_AUTH_TOKEN_INVALID.
 */
export function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === '') {
    throw authError('ALP_AUTH_TOKEN_MISSING', 'no authorization header');
  }
  const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
  if (!match) throw authError('ALP_AUTH_TOKEN_INVALID', 'not a bearer authorization');
  return match[1]!;
}
