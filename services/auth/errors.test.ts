import { describe, expect, test } from 'vitest';
import { authRouteErrors } from './errors.js';

describe('auth route error registry', () => {
  test('codes, statuses and generic messages', () => {
    expect(
      Object.entries(authRouteErrors).map(([code, E]) => {
        const e = new E();
        return [code, e.code, e.statusCode, e.message];
      }),
    ).toEqual([
      [
        'ALP_AUTH_PASSWORD_WEAK',
        'ALP_AUTH_PASSWORD_WEAK',
        400,
        'the password does not meet the policy',
      ],
      [
        'ALP_AUTH_EMAIL_TAKEN',
        'ALP_AUTH_EMAIL_TAKEN',
        409,
        'an account with this email already exists',
      ],
      [
        'ALP_AUTH_INVALID_CREDENTIALS',
        'ALP_AUTH_INVALID_CREDENTIALS',
        401,
        'invalid email or password',
      ],
      [
        'ALP_AUTH_LOGIN_THROTTLED',
        'ALP_AUTH_LOGIN_THROTTLED',
        429,
        'too many failed logins, retry later',
      ],
      [
        'ALP_AUTH_REFRESH_TOKEN_INVALID',
        'ALP_AUTH_REFRESH_TOKEN_INVALID',
        401,
        'the refresh token is invalid',
      ],
      [
        'ALP_AUTH_SERVICE_CREDENTIAL_INVALID',
        'ALP_AUTH_SERVICE_CREDENTIAL_INVALID',
        401,
        'invalid service credential',
      ],
      ['ALP_AUTH_USER_NOT_FOUND', 'ALP_AUTH_USER_NOT_FOUND', 404, 'no such user'],
    ]);
  });
});
