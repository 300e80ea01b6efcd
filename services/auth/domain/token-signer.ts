import { randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import type { SigningKey } from './signing-key.js';

export interface SignedToken {
  readonly token: string;
  readonly jti: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  readonly expiresInSec: number;
}

export interface SignOptions {
  readonly key: SigningKey;
  readonly typ: 'at+jwt' | 'svc+jwt';
  readonly issuer: string;
  readonly ttlSec: number;
  readonly now?: () => number;
}

/** Signs RS256 JWTs of one typ with one key; iat/exp/jti are set here, never by the caller. */
export function createTokenSigner(opts: SignOptions) {
  const sign = createSigner({
    key: opts.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    algorithm: 'RS256',
    kid: opts.key.kid,
    header: { alg: 'RS256', typ: opts.typ },
  });
  const now = opts.now ?? Date.now;
  return (claims: { sub: string; aud: string } & Record<string, unknown>): SignedToken => {
    const iat = Math.floor(now() / 1000);
    const exp = iat + opts.ttlSec;
    const jti = randomUUID();
    const token = sign({ ...claims, iss: opts.issuer, iat, exp, jti });
    return { token, jti, iat, exp, expiresInSec: opts.ttlSec };
  };
}
