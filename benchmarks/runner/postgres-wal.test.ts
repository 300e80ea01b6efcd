import { describe, expect, test } from 'vitest';
import { describeWal, walPerResponse } from './postgres-wal.js';

describe('WAL per response', () => {
  test('divides the log written over a run by its responses', () => {
    expect(
      walPerResponse(
        { bytes: 1_000, records: 10, fullPageImages: 5 },
        { bytes: 2_001_000, records: 110_010, fullPageImages: 405 },
        1000,
      ),
    ).toEqual({ bytes: 2000, records: 110, fullPageImages: 0.4 });
    expect(
      walPerResponse(
        { bytes: 0, records: 0, fullPageImages: 0 },
        { bytes: 10, records: 1, fullPageImages: 0 },
        3,
      ),
    ).toEqual({ bytes: 3, records: 0.3, fullPageImages: 0 });
  });

  test('is absent when a position could not be read or nothing was answered', () => {
    const at = { bytes: 1, records: 1, fullPageImages: 0 };
    expect(walPerResponse(undefined, at, 10)).toBeUndefined();
    expect(walPerResponse(at, undefined, 10)).toBeUndefined();
    expect(walPerResponse(at, at, 0)).toBeUndefined();
  });

  test('reads as kB from a thousand bytes, with its record count', () => {
    expect(describeWal({ bytes: 19_830, records: 110.2, fullPageImages: 0.4 })).toBe(
      '19.8 kB WAL/response (110.2 records, 0.4 full-page images)',
    );
    expect(describeWal({ bytes: 640, records: 3, fullPageImages: 0 })).toBe(
      '640 B WAL/response (3 records, 0 full-page images)',
    );
  });
});
