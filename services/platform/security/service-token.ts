import { authError } from './errors.js';
import { createJwtVerifier, type Claims } from './jwt-verify.js';
import type { KeySource } from './key-set.js';

/*
 * Service-to-service identity. Scheme (see services/auth/domain/service-credentials.ts):
 * each service instance gets from the runtime one secret credential of its own (derived by the
 * runtime from a master secret only the runtime and auth hold). It trades that credential at
 * auth's `/internal/service-tokens` for a short-lived (≤ 5 min) RS256 token with header typ
 * `svc+jwt`, sub = its service name, aud = the target service, signed with auth's signing key.
 * The target verifies it with the same JWKS it already caches for user tokens.
 *
 * Why this and not a shared key or per-service key pairs: a shared key lets any compromised
 * service mint tokens for every other; per-service key pairs need every public key distributed
 * to every verifier. Here only auth signs, a leaked credential impersonates exactly one service,
 * tokens expire within minutes, and verifiers need nothing new. The typ keeps the two token
 * kinds apart: a service token is never accepted as a user token and vice versa.
 */

export interface ServiceCaller {
  /** The calling service's name (token sub). */
  readonly service: string;
  readonly jti: string;
  readonly exp: number;
}

export interface ServiceTokenVerifierOptions {
  readonly keys: KeySource;
  readonly issuer: string;
  /** This service's own name: a token addressed to another service is refused. */
  readonly audience: string;
  /** Services allowed to call; undefined allows any authenticated service. */
  readonly allowedCallers?: readonly string[];
  readonly clockToleranceSec?: number;
}

export interface ServiceTokenVerifier {
  /** Rejects with ALP_AUTH_TOKEN_* (401) or ALP_AUTH_CALLER_FORBIDDEN (403). */
  verify(token: string | undefined): Promise<ServiceCaller>;
}

function serviceCaller({ sub, jti, exp }: Claims): ServiceCaller {
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') {
    throw authError('ALP_AUTH_TOKEN_INVALID', 'sub/jti/exp malformed');
  }
  return Object.freeze({ service: sub, jti, exp });
}

export function createServiceTokenVerifier(
  opts: ServiceTokenVerifierOptions,
): ServiceTokenVerifier {
  const jwt = createJwtVerifier(
    opts.keys,
    {
      typ: 'svc+jwt',
      issuer: opts.issuer,
      audience: opts.audience,
      ...(opts.clockToleranceSec !== undefined && { clockToleranceSec: opts.clockToleranceSec }),
    },
    serviceCaller,
  );
  const allowed = opts.allowedCallers ? new Set(opts.allowedCallers) : undefined;
  return {
    async verify(token) {
      if (!token) throw authError('ALP_AUTH_TOKEN_MISSING', 'no service token');
      const caller = jwt.peek(token) ?? (await jwt.verify(token));
      if (allowed && !allowed.has(caller.service)) {
        throw authError('ALP_AUTH_CALLER_FORBIDDEN', `caller ${caller.service} not allowed`);
      }
      return caller;
    },
  };
}
