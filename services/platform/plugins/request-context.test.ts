import { describe, expect, test } from 'vitest';
import { parseTraceparent } from './request-context.js';

describe('parseTraceparent', () => {
  test.each([
    [
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', sampled: true },
    ],
    [
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', sampled: false },
    ],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', null],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', null],
    ['zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', null],
    [undefined, null],
  ])('%s', (header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });
});
