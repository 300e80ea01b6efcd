import { round3 } from './run-stats.js';

/** The numbers of one measured run that a baseline keeps. */
export interface BaselineSample {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errorRate: number;
  /** 2xx answers that were refusals; 0 in files saved before refusals were counted. */
  readonly refused: number;
  /**
   * PostgreSQL's WAL bytes per response (postgres-wal.ts); absent when it could not be read
   * and in files saved before it was measured. The database's work per request, which the
   * machine's speed does not move: a change in it is a change in what the code writes.
   */
  readonly walBytes?: number;
  /** Full-page images per response in the same run (a checkpoint in the run raises both). */
  readonly walFullPageImages?: number;
}

/** The load a baseline was measured under; only runs under the same load are compared. */
export interface LoadShape {
  readonly mode: 'closed' | 'open';
  readonly connections: number;
  /** Bench users the requests were spread over. */
  readonly users: number;
  readonly rate: number | null;
  readonly durationS: number;
}

/** benchmarks/baselines/<scenario>.json */
export interface Baseline {
  readonly version: 1;
  readonly scenario: string;
  readonly load: LoadShape;
  readonly createdAt: string;
  readonly command: string;
  readonly machine: {
    readonly cpus: number;
    readonly node: string;
    readonly loadAverage: readonly number[];
    /** The machine's own speed when the baseline was saved (`bench --calibrate`). */
    readonly calibration?: { readonly rps: number; readonly cpuMsPerRequest: number };
  };
  /** One per repeated run (`--repeat N`): the spread between them is the noise. */
  readonly samples: readonly BaselineSample[];
}

export type Verdict = 'within-noise' | 'better' | 'worse';

export type BaselineMetric = 'rps' | 'p50' | 'p99' | 'walBytes';

export interface MetricDelta {
  readonly metric: BaselineMetric;
  readonly baseline: number;
  readonly current: number;
  /** (current − baseline) ÷ baseline, in percent; null when the baseline is 0 (no ratio). */
  readonly changePct: number | null;
  /** Values inside [low, high] are noise. */
  readonly band: readonly [number, number];
  readonly verdict: Verdict;
}

export type BaselineComparison =
  | { readonly comparable: false; readonly reason: string }
  | {
      readonly comparable: true;
      /** How the noise band was chosen, stated so a reader can judge it. */
      readonly method: string;
      readonly deltas: readonly MetricDelta[];
    };

/** With fewer repeats than this, the band is a relative threshold instead of the min..max. */
export const MIN_SAMPLES_FOR_SPREAD = 3;
/** Run-to-run spread seen on a shared 2-core machine is several percent; 10 % is outside it. */
export const RELATIVE_THRESHOLD = 0.1;
/**
 * WAL per response barely moves between runs of one commit (19.3-19.7 kB for an order), so
 * three runs' min..max can be a 2 % band; page splits and vacuum still move it by a percent or
 * two. The band is at least ±5 % of the baseline median.
 */
export const WAL_MIN_BAND = 0.05;
/**
 * Full-page images per response beyond which a run counts as having had a checkpoint in it:
 * such a run writes up to twice the WAL for the same work, so it is compared only with a
 * baseline that had one too (and vice versa).
 */
export const WAL_CHECKPOINT_FPI = 0.2;

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function sameLoad(a: LoadShape, b: LoadShape): boolean {
  return (
    a.mode === b.mode && a.connections === b.connections && a.users === b.users && a.rate === b.rate
  );
}

/**
 * Is the current run (median of its repeats) different from the baseline beyond noise?
 * With ≥ 3 baseline repeats the noise band is their min..max; with fewer, ±10 % of the
 * baseline median. Throughput is better when higher, latency and WAL per response when lower.
 */
export function compareWithBaseline(
  baseline: Baseline,
  current: readonly BaselineSample[],
  load: LoadShape,
): BaselineComparison {
  if (!sameLoad(baseline.load, load)) {
    const b = baseline.load;
    return {
      comparable: false,
      reason: `baseline was measured under another load (${b.mode}, ${b.connections} connections, ${b.users} users, rate ${b.rate ?? 'none'})`,
    };
  }
  if (baseline.samples.length === 0 || current.length === 0) {
    return { comparable: false, reason: 'no samples to compare' };
  }
  const spread = baseline.samples.length >= MIN_SAMPLES_FOR_SPREAD;
  const method = spread
    ? `outside the min..max of ${baseline.samples.length} baseline runs`
    : `more than ±${RELATIVE_THRESHOLD * 100}% from the baseline (fewer than ${MIN_SAMPLES_FOR_SPREAD} baseline runs; save one with --repeat ${MIN_SAMPLES_FOR_SPREAD} for a measured band)`;
  // WAL only when every run on both sides has it (older baselines and other servers do not),
  // and both or neither had a checkpoint in them.
  const hasWal = (samples: readonly BaselineSample[]) =>
    samples.every((s) => typeof s.walBytes === 'number');
  const checkpointed = (samples: readonly BaselineSample[]) =>
    median(samples.map((s) => s.walFullPageImages ?? 0)) >= WAL_CHECKPOINT_FPI;
  const metrics: BaselineMetric[] = ['rps', 'p50', 'p99'];
  if (
    hasWal(baseline.samples) &&
    hasWal(current) &&
    checkpointed(baseline.samples) === checkpointed(current)
  ) {
    metrics.push('walBytes');
  }
  const deltas = metrics.map((metric): MetricDelta => {
    const values = baseline.samples.map((s) => s[metric] ?? 0);
    const base = median(values);
    const now = median(current.map((s) => s[metric] ?? 0));
    let band: [number, number] = spread
      ? [Math.min(...values), Math.max(...values)]
      : [round3(base * (1 - RELATIVE_THRESHOLD)), round3(base * (1 + RELATIVE_THRESHOLD))];
    if (metric === 'walBytes') {
      band = [
        Math.min(band[0], round3(base * (1 - WAL_MIN_BAND))),
        Math.max(band[1], round3(base * (1 + WAL_MIN_BAND))),
      ];
    }
    const higherIsBetter = metric === 'rps';
    let verdict: Verdict = 'within-noise';
    if (now > band[1]) verdict = higherIsBetter ? 'better' : 'worse';
    else if (now < band[0]) verdict = higherIsBetter ? 'worse' : 'better';
    return {
      metric,
      // An even count's median is a mean: round it as the samples are (no 253.15999999999997).
      baseline: round3(base),
      current: round3(now),
      changePct: base === 0 ? null : round3(((now - base) / base) * 100),
      band,
      verdict,
    };
  });
  const walNote = metrics.includes('walBytes')
    ? `; WAL at least ±${WAL_MIN_BAND * 100}% of the baseline`
    : '';
  return { comparable: true, method: method + walNote, deltas };
}
