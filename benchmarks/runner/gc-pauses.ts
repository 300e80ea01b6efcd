import { request } from 'undici';
import { instanceUrl, type RuntimeState } from '../../cli/lib/runtime/local/state.js';

/**
 * Garbage-collection pauses of the services, read from the histogram every service exports
 * on /metrics (prom-client's `nodejs_gc_duration_seconds`, one series per kind of collection).
 * A pause stops every request its process holds, so a run's pauses, their total and the long
 * ones say how much of its latency tail was collection rather than work or waiting for a core.
 */
export interface GcTotals {
  /** Collections (every kind) since the process started. */
  readonly pauses: number;
  /** Their summed duration, seconds. */
  readonly seconds: number;
  /** Those longer than 10 ms (the histogram's bucket boundary). */
  readonly over10ms: number;
}

/** GC pauses of one process group (a service's instances together) during a run. */
export interface GcPauses {
  readonly pauses: number;
  /** Milliseconds, rounded to 0.1. */
  readonly ms: number;
  readonly over10ms: number;
}

/** Totals per process group (service name), summed over its instances. */
export type GcReadings = ReadonlyMap<string, GcTotals>;

export interface MetricsTarget {
  /** The process group: the service's name. */
  readonly name: string;
  /** Base URL of one instance; its histogram is at `${url}/metrics?name=nodejs_gc_duration_seconds`. */
  readonly url: string;
}

const METRIC = 'nodejs_gc_duration_seconds';
const DECLARED = `# TYPE ${METRIC} histogram`;
const SAMPLE = /^nodejs_gc_duration_seconds_(count|sum|bucket)(?:\{([^}]*)\})?\s+(\S+)/;
const TEN_MS_BUCKET = /(?:^|,)le="0\.01"(?:,|$)/;

/**
 * The GC histogram of one /metrics body, added up over its kinds (minor, major, incremental,
 * weakcb). A histogram declared without series yet (no collection since the start) is zero
 * pauses; undefined when the body does not declare it (not a service of ours, or a
 * prom-client without GC metrics): "no data" must not read as "no pauses".
 */
export function parseGcHistogram(text: string): GcTotals | undefined {
  let found = false;
  let pauses = 0;
  let seconds = 0;
  let within10ms = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(DECLARED)) found = true;
    if (!line.startsWith(METRIC)) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    found = true;
    if (m[1] === 'count') pauses += value;
    else if (m[1] === 'sum') seconds += value;
    else if (TEN_MS_BUCKET.test(m[2] ?? '')) within10ms += value;
  }
  return found ? { pauses, seconds, over10ms: pauses - within10ms } : undefined;
}

/** Every live instance of a local platform, under its service's name. */
export function metricsTargets(state: RuntimeState): MetricsTarget[] {
  return state.instances
    .filter((i) => i.pid !== null)
    .map((i) => ({ name: i.service, url: instanceUrl(i) }));
}

async function scrape(url: string, timeoutMs: number): Promise<GcTotals | undefined> {
  try {
    // Only the histogram: the whole registry would cost the service a collection now and then.
    const res = await request(`${url}/metrics?name=${METRIC}`, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    return res.statusCode === 200 ? parseGcHistogram(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads every target's histogram at once and adds instances of a service together. A target
 * that does not answer is left out (its group too, when it was the only one); undefined when
 * none answered, so a run is never reported with a made-up zero.
 */
export async function readGcTotals(
  targets: readonly MetricsTarget[],
  timeoutMs = 2000,
): Promise<GcReadings | undefined> {
  const read = await Promise.all(targets.map((t) => scrape(t.url, timeoutMs)));
  const out = new Map<string, GcTotals>();
  for (const [i, totals] of read.entries()) {
    if (!totals) continue;
    const name = targets[i]!.name;
    const sum = out.get(name);
    out.set(
      name,
      sum
        ? {
            pauses: sum.pauses + totals.pauses,
            seconds: sum.seconds + totals.seconds,
            over10ms: sum.over10ms + totals.over10ms,
          }
        : totals,
    );
  }
  return out.size > 0 ? out : undefined;
}

/**
 * The pauses of each group between two readings, for groups read both times. A negative
 * difference (an instance restarted in between) counts as 0, as for CPU time.
 */
export function gcPausesBetween(before: GcReadings, after: GcReadings): Record<string, GcPauses> {
  const out: Record<string, GcPauses> = {};
  for (const [name, a] of after) {
    const b = before.get(name);
    if (!b) continue;
    out[name] = {
      pauses: Math.max(0, a.pauses - b.pauses),
      ms: Math.max(0, Math.round((a.seconds - b.seconds) * 10_000) / 10),
      over10ms: Math.max(0, a.over10ms - b.over10ms),
    };
  }
  return out;
}

/**
 * The groups that paused, the longest total first, e.g. `gateway 21 (48.2 ms, 2 over 10 ms),
 * user 30 (61.0 ms)`; `none` when no group paused.
 */
export function describeGcPauses(pauses: Readonly<Record<string, GcPauses>>): string {
  const parts = Object.entries(pauses)
    .filter(([, p]) => p.pauses > 0)
    .sort(([a, x], [b, y]) => y.ms - x.ms || (a < b ? -1 : 1))
    .map(([name, p]) => {
      const long = p.over10ms > 0 ? `, ${p.over10ms} over 10 ms` : '';
      return `${name} ${p.pauses} (${p.ms.toFixed(1)} ms${long})`;
    });
  return parts.length > 0 ? parts.join(', ') : 'none';
}
