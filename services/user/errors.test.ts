import { describe, expect, test } from 'vitest';
import { accessErrors, serviceClientErrors } from '../platform/index.js';
import { userErrors } from './errors.js';

describe('error registries used by the user service', () => {
  test.each([
    [
      'user',
      userErrors,
      [
        ['ALP_USER_NOT_FOUND', 404],
        ['ALP_USER_TIMEZONE_UNKNOWN', 400],
        ['ALP_USER_KYC_TRANSITION_INVALID', 409],
      ],
    ],
    ['access (platform auth plugin)', accessErrors, [['ALP_AUTH_FORBIDDEN', 403]]],
    [
      'service client',
      serviceClientErrors,
      [
        ['ALP_UPSTREAM_UNAVAILABLE', 503],
        ['ALP_UPSTREAM_TIMEOUT', 504],
        ['ALP_UPSTREAM_REJECTED', 502],
      ],
    ],
  ] as const)('%s: codes equal keys, statuses', (_n, registry, expected) => {
    expect(
      Object.entries(registry).map(([code, E]) => {
        const e = new (E as new () => { code: string; statusCode: number })();
        expect(e.code).toBe(code);
        return [code, e.statusCode];
      }),
    ).toEqual(expected);
  });
});
