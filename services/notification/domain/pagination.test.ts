import { expect, test } from 'vitest';
import { clampLimit, decodeCursor, encodeCursor, parseEntryId } from './pagination.js';

test.each([
  [undefined, 20],
  ['', 20],
  ['abc', 20],
  ['-3', 20],
  ['1.5', 20],
  ['0', 1],
  ['1', 1],
  ['42', 42],
  ['100', 100],
  ['101', 100],
  ['999999', 100],
  ['1234567', 20],
])('limit %j is %i', (raw, limit) => {
  expect(clampLimit(raw)).toBe(limit);
});

test.each([
  ['1', '1'],
  ['9223372036854775807', '9223372036854775807'],
  ['9223372036854775808', undefined],
  ['0', undefined],
  ['01', undefined],
  ['-1', undefined],
  ['1 ', undefined],
  ['abc', undefined],
  [7, undefined],
])('entry id %j is %j', (raw, id) => {
  expect(parseEntryId(raw)).toBe(id);
});

test('a cursor round-trips; anything else is refused', () => {
  const cursor = { createdAt: '2026-01-02T03:04:05.678901Z', id: '42' };
  expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  const made = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  for (const bad of [
    'not base64 json',
    made(['2026-01-02T03:04:05.678901Z']),
    made(['2026-01-02T03:04:05.678Z', '42']),
    made(['2026-02-30T03:04:05.678901Z', '42']),
    made(['2026-01-02T03:04:05.678901Z', '0']),
    made(['2026-01-02T03:04:05.678901Z', "1'; DROP TABLE inbox; --"]),
    made({ createdAt: '2026-01-02T03:04:05.678901Z', id: '42' }),
  ]) {
    expect(decodeCursor(bad)).toBeUndefined();
  }
});
