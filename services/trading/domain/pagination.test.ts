import { describe, expect, test } from 'vitest';
import {
  clampLimit,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  MAX_PAGE_SIZE,
} from './pagination.js';

describe('pagination', () => {
  test.each([
    [undefined, DEFAULT_PAGE_SIZE],
    ['', DEFAULT_PAGE_SIZE],
    ['abc', DEFAULT_PAGE_SIZE],
    ['-5', DEFAULT_PAGE_SIZE],
    ['0', 1],
    ['20', 20],
    ['100000', MAX_PAGE_SIZE],
    [7.9, 7],
    [Infinity, DEFAULT_PAGE_SIZE],
  ])('limit %j -> %i', (raw, expected) => {
    expect(clampLimit(raw)).toBe(expected);
  });

  test('a cursor round-trips', () => {
    const cursor = {
      createdAt: '2026-01-01T10:00:00.123456Z',
      id: '0d7c6a2e-0000-4000-8000-000000000001',
    };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  test.each([
    ['not base64 at all!'],
    [Buffer.from('{"a":1}').toString('base64url')],
    [Buffer.from('["yesterday","x"]').toString('base64url')],
    // Shapes Date.parse accepts and PostgreSQL would refuse or read differently.
    ...[
      ['2026-02-30T10:00:00.123456Z', '0d7c6a2e-0000-4000-8000-000000000001'],
      ['2026-01-01T24:00:00.000000Z', '0d7c6a2e-0000-4000-8000-000000000001'],
      ['2026-01-01T10:00:00.123Z', '0d7c6a2e-0000-4000-8000-000000000001'],
      ['2026-01-01 10:00:00.123456+00', '0d7c6a2e-0000-4000-8000-000000000001'],
      ['2026-01-01T10:00:00.123456Z', '------------------------------------'],
      ['2026-01-01T10:00:00.123456Z', '0D7C6A2E-0000-4000-8000-000000000001'],
    ].map((c) => [Buffer.from(JSON.stringify(c)).toString('base64url')]),
  ])('a foreign cursor is refused (%s)', (raw) => {
    expect(decodeCursor(raw)).toBeUndefined();
  });
});
