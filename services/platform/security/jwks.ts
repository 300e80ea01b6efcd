import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** One verification key from a JWKS, ready for the verifier. The object identity is stable. */
export interface VerificationKey {
  readonly kid: string;
  /** SPKI PEM, the form fast-jwt wants. */
  readonly pem: string;
  readonly key: KeyObject;
}

export interface JwksDocument {
  readonly keys: readonly Record<string, unknown>[];
}

export const MAX_KID_LENGTH = 256;
const MAX_KEYS = 32;
const MIN_RSA_BITS = 2048;

/**
 * Turns a JWKS document into a kid → key map. Only RSA signature keys usable with RS256 are
 * kept; any other entry is skipped rather than failing the whole set, so one odd key published
 * by a future auth version cannot take verification down. Only `kty`, `n` and `e` are read:
 * `x5c`, `x5u` and friends are never looked at, let alone fetched.
 */
export function parseJwks(doc: unknown): Map<string, VerificationKey> {
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as JwksDocument).keys)) {
    throw new Error('JWKS document has no keys array');
  }
  const out = new Map<string, VerificationKey>();
  for (const jwk of (doc as JwksDocument).keys.slice(0, MAX_KEYS)) {
    const parsed = parseKey(jwk);
    if (parsed && !out.has(parsed.kid)) out.set(parsed.kid, parsed);
  }
  return out;
}

function parseKey(jwk: unknown): VerificationKey | undefined {
  if (!jwk || typeof jwk !== 'object') return undefined;
  const { kty, kid, alg, use, n, e } = jwk as Record<string, unknown>;
  if (kty !== 'RSA' || typeof n !== 'string' || typeof e !== 'string') return undefined;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) return undefined;
  if (alg !== undefined && alg !== 'RS256') return undefined;
  if (use !== undefined && use !== 'sig') return undefined;
  try {
    const key = createPublicKey({ key: { kty, n, e } as JsonWebKey, format: 'jwk' });
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return undefined;
    return { kid, key, pem: key.export({ type: 'spki', format: 'pem' }).toString() };
  } catch {
    return undefined;
  }
}
