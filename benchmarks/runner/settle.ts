import type { CpuTimes } from './process-cpu.js';

/**
 * How the platform was before a scenario began: quiet, or still busy with an earlier
 * scenario's aftermath when the budget ran out.
 */
export interface Settle {
  /** True when the platform's processes used at most `quietCores` over one window. */
  readonly quiet: boolean;
  /** How long the runner waited for it. */
  readonly waitedMs: number;
  /** CPU of the platform's processes over the last window, in cores (0.05 = 5 % of one). */
  readonly cores: number;
  readonly windowMs: number;
}

export interface SettleOptions {
  /** Longest wait; 0 measures one window and never waits longer. */
  readonly budgetMs: number;
  /** At most this much CPU over a window counts as quiet (an idle platform uses ~0.06). */
  readonly quietCores?: number;
  readonly windowMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const total = (t: CpuTimes) => [...t.values()].reduce((a, b) => a + b, 0);

/**
 * Waits until the platform is quiet, so that a scenario is not billed for work it did not
 * cause: what `up` or an earlier scenario left running (services still loading, autovacuum
 * passes over grown tables, pg-boss moving deliveries to its archive, consumers applying the
 * last events) shares the two cores with the measured run. The CPU the platform's processes
 * use over a window says when such work is done, whatever it was; the report says how long
 * that took, so a number also tells what state it was measured in. An idle platform uses
 * ~0.06 of a core; right after a 20 s order run this platform measured quiet in ~1 s.
 */
export async function settle(readCpu: () => Promise<CpuTimes>, o: SettleOptions): Promise<Settle> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const windowMs = o.windowMs ?? 1000;
  const quietCores = o.quietCores ?? 0.15;
  const started = now();
  let before = await readCpu();
  let from = now();
  for (;;) {
    await sleep(windowMs);
    const after = await readCpu();
    const at = now();
    const cores = Math.max(0, total(after) - total(before)) / Math.max(1, at - from);
    const waitedMs = at - started;
    if (cores <= quietCores) return { quiet: true, waitedMs, cores, windowMs };
    if (waitedMs >= o.budgetMs) return { quiet: false, waitedMs, cores, windowMs };
    before = after;
    from = at;
  }
}

/** One line for the report. */
export function describeSettle(s: Settle): string {
  const share = `${Math.round(s.cores * 100)} % of a core over the last ${s.windowMs / 1000} s`;
  const waited = (s.waitedMs / 1000).toFixed(1);
  return s.quiet
    ? `platform quiet after ${waited} s (${share})`
    : `platform still busy after ${waited} s (${share}); measuring anyway`;
}
