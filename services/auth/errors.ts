import { defineErrors } from '../platform/index.js';

/**
 * Errors of the auth service's own routes (token verification errors are the platform's,
 * services/platform/security/errors.ts). Messages are generic where detail would tell an
 * attacker which emails exist or why a credential failed.
 */
export const authRouteErrors = defineErrors({
  ALP_AUTH_PASSWORD_WEAK: { status: 400, message: 'the password does not meet the policy' },
  ALP_AUTH_EMAIL_TAKEN: { status: 409, message: 'an account with this email already exists' },
  ALP_AUTH_INVALID_CREDENTIALS: { status: 401, message: 'invalid email or password' },
  ALP_AUTH_LOGIN_THROTTLED: { status: 429, message: 'too many failed logins, retry later' },
  ALP_AUTH_REFRESH_TOKEN_INVALID: { status: 401, message: 'the refresh token is invalid' },
  ALP_AUTH_SERVICE_CREDENTIAL_INVALID: { status: 401, message: 'invalid service credential' },
  ALP_AUTH_USER_NOT_FOUND: { status: 404, message: 'no such user' },
});
