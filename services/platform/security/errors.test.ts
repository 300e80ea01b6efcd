import { describe, expect, test } from 'vitest';
import { authError, authErrors } from './errors.js';

describe('auth error registry', () => {
  test('codes and statuses', () => {
    expect(
      Object.entries(authErrors).map(([code, E]) => {
        const e = new E();
        return [code, e.code, e.statusCode];
      }),
    ).toEqual([
      ['ALP_AUTH_TOKEN_MISSING', 'ALP_AUTH_TOKEN_MISSING', 401],
      ['ALP_AUTH_TOKEN_INVALID', 'ALP_AUTH_TOKEN_INVALID', 401],
      ['ALP_AUTH_TOKEN_EXPIRED', 'ALP_AUTH_TOKEN_EXPIRED', 401],
      ['ALP_AUTH_KEYS_UNAVAILABLE', 'ALP_AUTH_KEYS_UNAVAILABLE', 503],
      ['ALP_AUTH_CALLER_FORBIDDEN', 'ALP_AUTH_CALLER_FORBIDDEN', 403],
    ]);
  });

  test('authError keeps the reason apart from the client message', () => {
    expect(authError('ALP_AUTH_TOKEN_INVALID', 'unknown kid')).toMatchObject({
      code: 'ALP_AUTH_TOKEN_INVALID',
      statusCode: 401,
      message: 'the token is invalid',
      reason: 'unknown kid',
    });
  });
});
