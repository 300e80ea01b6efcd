import { describe, expect, test } from 'vitest';
import {
  compareWithBaseline,
  median,
  type Baseline,
  type BaselineSample,
  type LoadShape,
} from './baseline.js';

const load: LoadShape = { mode: 'closed', connections: 100, users: 1, rate: null, durationS: 10 };
const sample = (rps: number, p50 = 2, p99 = 10): BaselineSample => ({
  rps,
  p50,
  p99,
  errorRate: 0,
  refused: 0,
});
const baseline = (samples: BaselineSample[], l: LoadShape = load): Baseline => ({
  version: 1,
  scenario: 'read',
  load: l,
  createdAt: '2026-11-25T09:00:00.000Z',
  command: 'alphintra bench read --repeat 3 --save-baseline',
  machine: { cpus: 2, node: 'v20.20.2', loadAverage: [1, 1, 1] },
  samples,
});

describe('median', () => {
  test.each([
    [[], 0],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median(%j) = %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('compareWithBaseline', () => {
  test('three or more repeats: the band is their min..max', () => {
    const b = baseline([sample(900, 2, 10), sample(1000, 2, 11), sample(1100, 3, 12)]);
    expect(compareWithBaseline(b, [sample(1050, 2, 13)], load)).toEqual({
      comparable: true,
      method: 'outside the min..max of 3 baseline runs',
      deltas: [
        {
          metric: 'rps',
          baseline: 1000,
          current: 1050,
          changePct: 5,
          band: [900, 1100],
          verdict: 'within-noise',
        },
        {
          metric: 'p50',
          baseline: 2,
          current: 2,
          changePct: 0,
          band: [2, 3],
          verdict: 'within-noise',
        },
        {
          metric: 'p99',
          baseline: 11,
          current: 13,
          changePct: 18.182,
          band: [10, 12],
          verdict: 'worse',
        },
      ],
    });
  });

  test('one repeat: ±10 % of the baseline, and the reason says so', () => {
    const result = compareWithBaseline(
      baseline([sample(1000, 2, 10)]),
      [sample(850, 1, 10.5)],
      load,
    );
    expect(result).toMatchObject({
      comparable: true,
      method:
        'more than ±10% from the baseline (fewer than 3 baseline runs; save one with --repeat 3 for a measured band)',
    });
    expect(result.comparable && result.deltas.map((d) => [d.metric, d.band, d.verdict])).toEqual([
      ['rps', [900, 1100], 'worse'],
      ['p50', [1.8, 2.2], 'better'],
      ['p99', [9, 11], 'within-noise'],
    ]);
  });

  test('higher throughput beyond the band is better; the median of current repeats is used', () => {
    const result = compareWithBaseline(
      baseline([sample(1000)]),
      [sample(1200), sample(1300), sample(100)],
      load,
    );
    expect(result.comparable && result.deltas[0]).toEqual({
      metric: 'rps',
      baseline: 1000,
      current: 1200,
      changePct: 20,
      band: [900, 1100],
      verdict: 'better',
    });
  });

  test('the median of an even number of repeats is rounded like the samples', () => {
    const result = compareWithBaseline(
      baseline([sample(251.473), sample(259.511), sample(246.081)]),
      [sample(232.867), sample(273.453)],
      load,
    );
    expect(result.comparable && result.deltas[0]).toMatchObject({
      baseline: 251.473,
      current: 253.16,
    });
  });

  test('another load is not compared', () => {
    const b = baseline([sample(1000)], {
      mode: 'open',
      connections: 50,
      users: 10,
      rate: 500,
      durationS: 20,
    });
    expect(compareWithBaseline(b, [sample(1000)], load)).toEqual({
      comparable: false,
      reason: 'baseline was measured under another load (open, 50 connections, 10 users, rate 500)',
    });
  });

  test('WAL per response is compared when both sides have it; more WAL is worse', () => {
    const wal = (rps: number, walBytes: number, walFullPageImages = 0): BaselineSample => ({
      ...sample(rps),
      walBytes,
      walFullPageImages,
    });
    const b = baseline([wal(300, 19_400), wal(280, 19_700), wal(320, 19_600)]);
    const worse = compareWithBaseline(b, [wal(300, 21_000)], load);
    // The band is the runs' min..max widened to ±5 % of the median: 18,620..20,580.
    expect(worse.comparable && worse.method).toBe(
      'outside the min..max of 3 baseline runs; WAL at least ±5% of the baseline',
    );
    expect(worse.comparable && worse.deltas.at(-1)).toEqual({
      metric: 'walBytes',
      baseline: 19_600,
      current: 21_000,
      changePct: 7.143,
      band: [18_620, 20_580],
      verdict: 'worse',
    });
    const better = compareWithBaseline(b, [wal(300, 15_000)], load);
    expect(better.comparable && better.deltas.at(-1)?.verdict).toBe('better');
    const same = compareWithBaseline(b, [wal(300, 19_900)], load);
    expect(same.comparable && same.deltas.at(-1)?.verdict).toBe('within-noise');
    // A read that wrote nothing in the baseline and something now: worse, with no percentage.
    const none = baseline([wal(300, 0), wal(280, 0), wal(320, 0)]);
    const some = compareWithBaseline(none, [wal(300, 127)], load);
    expect(some.comparable && some.deltas.at(-1)).toMatchObject({
      baseline: 0,
      current: 127,
      changePct: null,
      verdict: 'worse',
    });
    // With a checkpoint on one side only, or a baseline saved before WAL was measured, or a
    // run that could not read it: not compared.
    for (const [base, now] of [
      [b, [wal(300, 41_000, 3.2)]],
      [baseline([sample(300)]), [wal(300, 19_500)]],
      [b, [sample(300)]],
    ] as const) {
      const c = compareWithBaseline(base, now, load);
      expect(c.comparable && c.deltas.map((d) => d.metric)).toEqual(['rps', 'p50', 'p99']);
    }
    // Both with a checkpoint in them: compared.
    const both = compareWithBaseline(
      baseline([wal(300, 40_000, 3)]),
      [wal(300, 41_000, 3.2)],
      load,
    );
    expect(both.comparable && both.deltas.at(-1)?.verdict).toBe('within-noise');
  });

  test('a baseline without samples is not compared', () => {
    expect(compareWithBaseline(baseline([]), [sample(1)], load)).toEqual({
      comparable: false,
      reason: 'no samples to compare',
    });
  });
});
