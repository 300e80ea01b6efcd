import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SigningKey } from './signing-key.js';
import { createTokenSigner, type SignedToken } from './token-signer.js';

/*
 * Service credentials: the runtime holds one master secret (SERVICE_CREDENTIAL_MASTER, ≥ 32
 * random bytes) and gives each service instance only its own credential,
 * HMAC-SHA256(master, "alphintra-service:" + name), as SERVICE_CREDENTIAL. Auth holds the master
 * too, so it checks any service's credential by recomputing it: no table to keep in sync, and
 * a leaked credential impersonates one service only. See platform/security/service-token.ts.
 */

export const MAX_SERVICE_TOKEN_TTL_SEC = 5 * 60;

export function deriveServiceCredential(master: Buffer, service: string): string {
  if (master.length < 32) throw new Error('service credential master must be at least 32 bytes');
  return createHmac('sha256', master).update(`alphintra-service:${service}`).digest('base64url');
}

/** Constant-time check of a presented credential for `service`. */
export function checkServiceCredential(
  master: Buffer,
  service: string,
  presented: string,
): boolean {
  const expected = Buffer.from(deriveServiceCredential(master, service));
  const got = Buffer.from(presented);
  // Lengths are public (base64url of 32 bytes); comparing equal-length buffers only.
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export interface ServiceTokenIssuerOptions {
  readonly key: SigningKey;
  readonly issuer: string;
  /** Known service names (the catalog's); tokens are issued for and to these only. */
  readonly services: readonly string[];
  readonly ttlSec?: number;
  readonly now?: () => number;
}

/** Issues `svc+jwt` tokens: sub = calling service, aud = target service. */
export function createServiceTokenIssuer(opts: ServiceTokenIssuerOptions) {
  const ttlSec = opts.ttlSec ?? MAX_SERVICE_TOKEN_TTL_SEC;
  if (!Number.isInteger(ttlSec) || ttlSec <= 0 || ttlSec > MAX_SERVICE_TOKEN_TTL_SEC) {
    throw new Error(`service token ttl must be an integer in 1..${MAX_SERVICE_TOKEN_TTL_SEC} s`);
  }
  const known = new Set(opts.services);
  const sign = createTokenSigner({
    key: opts.key,
    typ: 'svc+jwt',
    issuer: opts.issuer,
    ttlSec,
    ...(opts.now && { now: opts.now }),
  });
  return (caller: string, audience: string): SignedToken => {
    if (!known.has(caller) || !known.has(audience)) {
      throw new Error(`unknown service in service token request: ${caller} → ${audience}`);
    }
    return sign({ sub: caller, aud: audience });
  };
}
