import type { SigningKey } from './signing-key.js';
import { createTokenSigner, type SignedToken } from './token-signer.js';

/** The longest access-token lifetime we allow: revocation only bites when tokens expire. */
export const MAX_ACCESS_TOKEN_TTL_SEC = 15 * 60;

export interface AccessTokenIssuerOptions {
  readonly key: SigningKey;
  /** JWT_ISSUER */
  readonly issuer: string;
  /** JWT_AUDIENCE */
  readonly audience: string;
  /** Default and maximum 900 s. */
  readonly ttlSec?: number;
  readonly now?: () => number;
}

export interface AccessTokenSubject {
  readonly userId: string;
  readonly roles: readonly string[];
}

/** Issues RS256 access tokens: header typ `at+jwt` and kid; claims iss, aud, sub, exp, iat, jti, roles. */
export function createAccessTokenIssuer(opts: AccessTokenIssuerOptions) {
  const ttlSec = opts.ttlSec ?? MAX_ACCESS_TOKEN_TTL_SEC;
  if (!Number.isInteger(ttlSec) || ttlSec <= 0 || ttlSec > MAX_ACCESS_TOKEN_TTL_SEC) {
    throw new Error(`access token ttl must be an integer in 1..${MAX_ACCESS_TOKEN_TTL_SEC} s`);
  }
  const sign = createTokenSigner({
    key: opts.key,
    typ: 'at+jwt',
    issuer: opts.issuer,
    ttlSec,
    ...(opts.now && { now: opts.now }),
  });
  return (subject: AccessTokenSubject): SignedToken =>
    sign({ sub: subject.userId, aud: opts.audience, roles: [...subject.roles] });
}
