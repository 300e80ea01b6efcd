import { defineErrors } from '../errors.js';

/**
 * Errors of token verification. Messages are deliberately generic: the precise reason
 * (bad signature, unknown kid, wrong audience ...) goes to the logs through `reason`, never
 * to the client, so a forger learns nothing from the answer.
 */
export const authErrors = defineErrors({
  ALP_AUTH_TOKEN_MISSING: { status: 401, message: 'an access token is required' },
  ALP_AUTH_TOKEN_INVALID: { status: 401, message: 'the token is invalid' },
  ALP_AUTH_TOKEN_EXPIRED: { status: 401, message: 'the token has expired' },
  ALP_AUTH_KEYS_UNAVAILABLE: {
    status: 503,
    message: 'token signing keys are unavailable, retry later',
  },
  ALP_AUTH_CALLER_FORBIDDEN: { status: 403, message: 'this caller may not call this service' },
});

export type AuthErrorCode = keyof typeof authErrors;

/** An auth error plus the internal reason (for logs only). */
export type AuthError = InstanceType<(typeof authErrors)[AuthErrorCode]> & {
  readonly code: AuthErrorCode;
  readonly reason: string;
};

export function authError(code: AuthErrorCode, reason: string): AuthError {
  return Object.assign(new authErrors[code](), { reason }) as AuthError;
}
