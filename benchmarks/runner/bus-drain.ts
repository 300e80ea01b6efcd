import type { EventsView } from '../../cli/lib/runtime/local/bus-view.js';

/**
 * What the event bus held right after a measured run, and how long it took to empty. A
 * closed-loop run can look fast by leaving consumers' work (risk applying fills) for later;
 * this makes that visible, and waiting for it keeps the next run from paying for it.
 */
export interface BusDrain {
  /** Deliveries waiting for a consumer when the run ended (null: the bus could not be read). */
  readonly waitingAfter: number | null;
  readonly oldestWaitingS: number | null;
  /** How long the backlog took to drain; null when it did not within the budget. */
  readonly drainedInMs: number | null;
  readonly error?: string;
}

export interface DrainOptions {
  readonly budgetMs?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Reads the bus until nothing waits (or the budget ends) and reports what it saw first. */
export async function drainBus(
  read: () => Promise<EventsView>,
  o: DrainOptions = {},
): Promise<BusDrain> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const budgetMs = o.budgetMs ?? 60_000;
  const started = now();
  const first = await read();
  if (!first.ok) {
    return { waitingAfter: null, oldestWaitingS: null, drainedInMs: null, error: first.error };
  }
  const report = (drainedInMs: number | null): BusDrain => ({
    waitingAfter: first.waiting,
    oldestWaitingS: first.oldestWaitingS,
    drainedInMs,
  });
  let view: EventsView = first;
  while (view.ok && view.waiting > 0) {
    if (now() - started >= budgetMs) return report(null);
    await sleep(o.pollMs ?? 250);
    view = await read();
  }
  if (!view.ok) return { ...report(null), error: view.error };
  return report(now() - started);
}

/** One line for the report: nothing waited, or how much and how long it took. */
export function describeDrain(d: BusDrain): string {
  if (d.waitingAfter === null) return `bus not read (${d.error ?? 'unknown'})`;
  if (d.waitingAfter === 0) return 'bus: nothing waiting after the run';
  const drained =
    d.drainedInMs === null
      ? 'not drained within the budget'
      : `drained in ${(d.drainedInMs / 1000).toFixed(1)} s`;
  return `bus: ${d.waitingAfter} deliveries waiting after the run (oldest ${d.oldestWaitingS} s), ${drained}`;
}
