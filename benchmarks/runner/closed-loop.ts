import autocannon from 'autocannon';
import { statsFromAutocannon } from './autocannon-stats.js';
import { loadAverageNow } from './load-average.js';
import type { LoadPlan } from './load-plan.js';
import { NO_REFUSALS, refusalTally } from './refusals.js';
import type { RunStats } from './run-stats.js';

/** Per-request timeout: a request slower than this counts as an error, not as latency. */
const TIMEOUT_S = 10;

/**
 * Fixed concurrency: `connections` clients each send the next request when the previous
 * answered, for `durationS`. Latency is what autocannon records (whole milliseconds).
 */
export async function runClosedLoop(plan: LoadPlan): Promise<RunStats> {
  const before = loadAverageNow();
  const dynamic = plan.body !== undefined || plan.perRequestHeaders !== undefined;
  const tally = plan.refusal && refusalTally(plan.refusal);
  const url = new URL(plan.path, plan.url).toString();
  const request: autocannon.Request = {
    ...(dynamic && {
      setupRequest: (req: autocannon.Request) => ({
        ...req,
        headers: { ...req.headers, ...plan.perRequestHeaders?.() },
        ...(plan.body && { body: JSON.stringify(plan.body()) }),
      }),
    }),
    // autocannon calls this for exactly the responses it counts (not after the run stops),
    // so refusals and `requests` cover the same answers.
    ...(tally && {
      onResponse: (status: number, body: string) => {
        if (status >= 200 && status <= 299) tally.record(body);
      },
    }),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const stop = (): void => instance.stop();
    const instance = autocannon(
      {
        url,
        method: plan.method,
        headers: { ...plan.headers },
        connections: plan.connections,
        duration: plan.durationS,
        timeout: TIMEOUT_S,
        ...((dynamic || tally) && { requests: [request] }),
      },
      (err: unknown, res: autocannon.Result) => {
        plan.signal?.removeEventListener('abort', stop);
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve(res);
      },
    );
    // Interrupted: autocannon stops its connections and reports what it measured so far.
    if (plan.signal?.aborted) stop();
    else plan.signal?.addEventListener('abort', stop, { once: true });
  });
  return statsFromAutocannon(result, {
    target: plan.target,
    url,
    connections: plan.connections,
    loadAverage: { before, after: loadAverageNow() },
    refusals: tally ? tally.counts() : NO_REFUSALS,
  });
}
