import type { KeyObject } from 'node:crypto';
import { rsaThumbprint } from './signing-key.js';

export interface RsaJwk {
  readonly kty: 'RSA';
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'RS256';
  readonly n: string;
  readonly e: string;
}

/**
 * The document served at /.well-known/jwks.json. Only the public modulus and exponent are
 * exported (never `d` or the primes, even if handed a private key by mistake); duplicate keys
 * are published once.
 */
export function buildJwks(publicKeys: readonly KeyObject[]): { keys: RsaJwk[] } {
  const seen = new Set<string>();
  const keys: RsaJwk[] = [];
  for (const key of publicKeys) {
    const kid = rsaThumbprint(key);
    if (seen.has(kid)) continue;
    seen.add(kid);
    const { n, e } = key.export({ format: 'jwk' });
    keys.push({ kty: 'RSA', kid, use: 'sig', alg: 'RS256', n: n!, e: e! });
  }
  return { keys };
}
