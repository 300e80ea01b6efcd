import { describe, expect, test } from 'vitest';
import { uuidv7, uuidv7Time } from './ids.js';

describe('uuidv7', () => {
  test('is an RFC 9562 version 7 UUID carrying its millisecond', () => {
    const at = Date.UTC(2026, 11, 6, 3, 14, 15, 926);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(id)).toBe(at);
    // The largest time 48 bits hold, and the epoch.
    expect(uuidv7Time(uuidv7(2 ** 48 - 1))).toBe(2 ** 48 - 1);
    expect(uuidv7(0).startsWith('00000000-0000-7')).toBe(true);
  });

  test('sorts by time as text (the order a B-tree keeps uuid and text keys in)', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => uuidv7(1_700_000_000_000 + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  test('ids of the same millisecond differ in 74 random bits', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    // Both halves of the random part vary (not a counter, not a constant).
    expect(new Set(ids.map((id) => id.slice(15, 18))).size).toBeGreaterThan(100);
    expect(new Set(ids.map((id) => id.slice(24))).size).toBe(ids.length);
  });

  test('uuidv7Time refuses other versions', () => {
    expect(uuidv7Time('123e4567-e89b-42d3-a456-426614174000')).toBeUndefined();
    expect(uuidv7Time('not a uuid')).toBeUndefined();
  });
});
