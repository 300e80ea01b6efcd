import { describe, expect, test } from 'vitest';
import { intendedOffsetMs, latencyHistogram, summariseMicros } from './open-model.js';

describe('open model, pure parts', () => {
  test.each([
    [0, 1000, 0],
    [1, 1000, 1],
    [500, 1000, 500],
    [3, 300, 10],
  ])('request %d at %d/s is due %d ms after the start', (n, rate, ms) => {
    expect(intendedOffsetMs(n, rate)).toBe(ms);
  });

  test('percentiles in ms from a microsecond histogram (HdrHistogram, 3 significant digits)', () => {
    const h = latencyHistogram();
    for (let i = 1; i <= 1000; i++) h.recordValue(i * 10); // 10 µs .. 10 ms
    expect(summariseMicros(h)).toEqual({
      // Values are the highest equivalent of their HdrHistogram bucket, hence 5.003 not 5.
      p50: 5.003,
      p90: 9.007,
      p99: 9.903,
      p999: 9.991,
      max: 10,
      mean: 5.006,
    });
    h.destroy();
  });

  test('an empty histogram gives zeros', () => {
    const h = latencyHistogram();
    expect(summariseMicros(h)).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    h.destroy();
  });
});

test('a percentile never reads above the largest recorded value', () => {
  const h = latencyHistogram();
  h.recordValue(149_893);
  expect(summariseMicros(h)).toEqual({
    p50: 149.893,
    p90: 149.893,
    p99: 149.893,
    p999: 149.893,
    max: 149.893,
    // The mean uses bucket midpoints (HdrHistogram), so it is not clamped.
    mean: 149.952,
  });
  h.destroy();
});
