import { describe, expect, test } from 'vitest';
import { errorRateOf } from './run-stats.js';

describe('errorRateOf', () => {
  test.each([
    ['nothing attempted', 0, 0, 0, 0, 0],
    ['all answered, all wanted', 1000, 0, 0, 0, 0],
    ['socket errors over answers + errors', 998, 2, 0, 0, 2 / 1000],
    ['non-2xx answers', 1000, 0, 10, 0, 0.01],
    // A refusal is a 2xx answer: it is in the answers already, and adds only to the failures.
    ['refusals alone', 1000, 0, 0, 1000, 1],
    ['all three', 990, 10, 20, 30, 60 / 1000],
  ])(
    '%s: %d answers, %d errors, %d non-2xx, %d refused → %d',
    (_n, res, err, non2xx, ref, rate) => {
      expect(errorRateOf(res, err, non2xx, ref)).toBe(rate);
    },
  );
});
