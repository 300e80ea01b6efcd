import type { PasswordHasher } from './domain/password-hash.js';
import type { ThrottlePolicy } from './domain/login-throttle.js';
import type { AccessTokenSubject } from './domain/access-token-issuer.js';
import type { SignedToken } from './domain/token-signer.js';
import type { IssuedRefreshToken } from './domain/refresh-token-store.js';
import type { AuthKeys } from './keys.js';

/** What auth's routes are built from (tests swap the hasher for cheaper parameters). */
export interface AuthDeps {
  readonly hasher: PasswordHasher;
  readonly throttle: ThrottlePolicy;
  readonly keys: AuthKeys;
  readonly issueAccessToken: (subject: AccessTokenSubject) => SignedToken;
}

/** The body of a successful login or refresh. */
export interface SessionTokens {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
  readonly user: { readonly id: string; readonly roles: readonly string[] };
}

export function sessionTokens(
  deps: AuthDeps,
  user: { id: string; roles: readonly string[] },
  refresh: IssuedRefreshToken,
): SessionTokens {
  const access = deps.issueAccessToken({ userId: user.id, roles: user.roles });
  return {
    tokenType: 'Bearer',
    accessToken: access.token,
    expiresIn: access.expiresInSec,
    refreshToken: refresh.token,
    refreshExpiresAt: refresh.expiresAt.toISOString(),
    user: { id: user.id, roles: [...user.roles] },
  };
}
