import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';
import { loadAverageNow } from './load-average.js';
import type { LoadPlan } from './load-plan.js';
import { NO_REFUSALS, refusalTally } from './refusals.js';
import { errorRateOf, round3, type RunStats } from './run-stats.js';

/** Requests slower than this count as errors. */
const TIMEOUT_MS = 10_000;
/** Backlog beyond this many seconds of arrivals is dropped (counted as errors), to bound memory. */
const MAX_BACKLOG_S = 10;

/** A histogram in microseconds, 3 significant digits, up to 60 s. */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Percentiles of a microsecond histogram, in milliseconds. */
export function summariseMicros(h: hdr.Histogram): RunStats['latencyMs'] {
  const ms = (us: number) => round3(us / 1000);
  // A percentile is its bucket's highest equivalent value, which may exceed the recorded max.
  const at = (p: number) => ms(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: ms(h.maxValue),
    mean: h.totalCount === 0 ? 0 : ms(h.mean),
  };
}

/** When the n-th request (0-based) is due, in ms after the start, at `rate` per second. */
export function intendedOffsetMs(n: number, rate: number): number {
  return (n * 1000) / rate;
}

/**
 * Open model: requests arrive at a fixed rate whatever the server does, over a pool of
 * `connections` keep-alive connections (queued when all are busy). Latency runs from the
 * intended send time, so a stalled server shows up as latency instead of quietly slowing
 * the generator down (no coordinated omission).
 */
export async function runOpenModel(plan: LoadPlan, rate: number): Promise<RunStats> {
  const before = loadAverageNow();
  const pool = new Pool(plan.url, {
    connections: plan.connections,
    pipelining: 1,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  const histogram = latencyHistogram();
  const tally = plan.refusal && refusalTally(plan.refusal);
  const statusCounts: Record<string, number> = {};
  let sent = 0;
  let responses = 0;
  let non2xx = 0;
  let errors = 0;
  let outstanding = 0;
  let lastDone = 0;
  const total = Math.floor(rate * plan.durationS);
  const maxBacklog = Math.max(plan.connections, rate * MAX_BACKLOG_S);
  const inflight = new Set<Promise<void>>();

  const fire = (intended: number): void => {
    if (outstanding >= maxBacklog) {
      errors += 1;
      return;
    }
    outstanding += 1;
    sent += 1;
    const p = pool
      .request({
        method: plan.method,
        path: plan.path,
        headers: { ...plan.headers, ...plan.perRequestHeaders?.() },
        ...(plan.body && { body: JSON.stringify(plan.body()) }),
      })
      .then(async (res) => {
        const ok = res.statusCode >= 200 && res.statusCode <= 299;
        // The body is read before the clock stops either way; only a 2xx body the scenario
        // judges is decoded, and it is judged after the clock stopped.
        const judge = ok ? tally : undefined;
        let text = '';
        if (judge) text = await res.body.text();
        else await res.body.dump();
        const done = performance.now();
        lastDone = done;
        responses += 1;
        histogram.recordValue(Math.max(1, Math.round((done - intended) * 1000)));
        statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1;
        if (!ok) non2xx += 1;
        judge?.record(text);
      })
      .catch(() => {
        errors += 1;
      })
      .finally(() => {
        outstanding -= 1;
        inflight.delete(p);
      });
    inflight.add(p);
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    let n = 0;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const tick = (): void => {
      const now = performance.now();
      while (n < total && start + intendedOffsetMs(n, rate) <= now) {
        fire(start + intendedOffsetMs(n, rate));
        n += 1;
      }
      if (n >= total) {
        plan.signal?.removeEventListener('abort', stop);
        return resolve();
      }
      timer = setTimeout(tick, Math.max(0, start + intendedOffsetMs(n, rate) - performance.now()));
    };
    if (plan.signal?.aborted) return resolve();
    plan.signal?.addEventListener('abort', stop, { once: true });
    tick();
  });
  // Interrupted: what is still in flight is cut off (counted as errors), not waited for.
  if (plan.signal?.aborted) await pool.destroy();
  await Promise.all([...inflight]);
  if (!pool.destroyed) await pool.close();
  const latencyMs = summariseMicros(histogram);
  histogram.destroy();

  const elapsedS = Math.max(plan.durationS, (lastDone - start) / 1000);
  const { refused, refusalCounts } = tally ? tally.counts() : NO_REFUSALS;
  return {
    mode: 'open',
    target: plan.target,
    url: new URL(plan.path, plan.url).toString(),
    connections: plan.connections,
    rate,
    durationS: round3(elapsedS),
    requests: responses,
    sent,
    rps: round3(responses / elapsedS),
    latencyMs,
    latencyResolutionMs: 0.001,
    errors,
    non2xx,
    refused,
    refusalCounts,
    errorRate: errorRateOf(responses, errors, non2xx, refused),
    statusCounts,
    loadAverage: { before, after: loadAverageNow() },
  };
}
