import { describe, expect, test } from 'vitest';
import { SUITE } from './registry.js';
import { AREAS, isGap } from './suite.js';

describe('the e2e suite', () => {
  test("SUITES.md's 67 tests, E01-E67 in order, areas in SUITES.md's order", () => {
    expect(SUITE.map((e) => e.id)).toEqual(
      Array.from({ length: 67 }, (_, i) => `E${String(i + 1).padStart(2, '0')}`),
    );
    const order = SUITE.map((e) => AREAS.indexOf(e.area));
    expect(order.every((a, i) => a >= 0 && (i === 0 || a >= order[i - 1]!))).toBe(true);
    expect(new Set(SUITE.map((e) => e.area))).toEqual(new Set(AREAS));
  });

  test('every gap says what is missing; no test without a title', () => {
    for (const e of SUITE) {
      expect(e.title.length, e.id).toBeGreaterThan(5);
      if (isGap(e)) expect(e.missing, e.id).not.toBe('not written yet');
    }
  });
});
