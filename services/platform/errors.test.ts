import { describe, expect, test } from 'vitest';
import { defineErrors, platformErrors } from './errors.js';

describe('error registry', () => {
  test.each(Object.entries(platformErrors))(
    '%s: the code equals its key and carries a status',
    (key, E) => {
      const err = new E('a', 'b');
      expect(err.code).toBe(key);
      expect(err.statusCode).toBeGreaterThanOrEqual(400);
      expect(err.statusCode).toBeLessThan(600);
    },
  );

  test('refuses a code outside the ALP_<AREA>_<WHAT> scheme', () => {
    expect(() => defineErrors({ BAD: { status: 400, message: 'x' } })).toThrow(
      'bad error code BAD',
    );
  });
});
