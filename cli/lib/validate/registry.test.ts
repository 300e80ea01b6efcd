import { describe, expect, test } from 'vitest';
import { isGap, PHASES } from './checks.js';
import { CHECKS } from './registry.js';

describe('the validate suite', () => {
  test("SUITES.md's 45 checks, V001-V045 in order, with SUITES.md's phases", () => {
    expect(CHECKS.map((c) => c.id)).toEqual(
      Array.from({ length: 45 }, (_, i) => `V${String(i + 1).padStart(3, '0')}`),
    );
    // V001-V031 static, V032-V045 live (SUITES.md puts none in K).
    expect(CHECKS.map((c) => c.phase).join('')).toBe('S'.repeat(31) + 'L'.repeat(14));
    for (const c of CHECKS) expect(PHASES).toContain(c.phase);
  });

  test('the checks the brief requires are built; every gap says what is missing', () => {
    const built = CHECKS.filter((c) => !isGap(c)).map((c) => c.id);
    for (const id of ['V001', 'V002', 'V003', 'V005', 'V006', 'V007', 'V016', 'V022']) {
      expect(built).toContain(id);
    }
    for (const c of CHECKS) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      if (isGap(c)) expect(c.missing.length, c.id).toBeGreaterThan(20);
    }
  });
});
