import { describe, expect, test } from 'vitest';
import { describeNotReady } from '../../cli/lib/runtime/local/readiness.js';

describe('describeNotReady', () => {
  test.each([
    [
      503,
      {
        status: 'not_ready',
        checks: { postgres: { ok: false, error: 'ECONNREFUSED' }, redis: { ok: true } },
      },
      '503 (postgres: ECONNREFUSED)',
    ],
    [
      503,
      {
        status: 'not_ready',
        checks: { postgres: { ok: false }, bus: { ok: false, error: 'timeout' } },
      },
      '503 (postgres, bus: timeout)',
    ],
    [503, { status: 'draining', checks: {} }, '503 (draining)'],
    [404, undefined, '404'],
    [500, 'not json', '500'],
  ])('%i %j -> %s', (status, body, expected) => {
    expect(describeNotReady(status, body)).toBe(expected);
  });
});
