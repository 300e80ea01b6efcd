import type pg from 'pg';
import { EVENTS_IN_JOB_SQL } from '../../../../services/platform/events/batch.js';
import type { HomePaths } from './paths.js';
import { readSharedDatabase, SHARED_READ_BUDGET_MS } from './shared-db-read.js';
import type { RuntimeState } from './state.js';

/** One pg-boss queue of the event bus (`<consumer>.<topic>`, or its `.dead` letter queue). */
export interface BusQueueView {
  name: string;
  /** Deliveries waiting for their consumer (new or waiting to be retried). */
  waiting: number;
  /** Deliveries a consumer holds right now. */
  active: number;
  /** Deliveries that failed their last attempt (each was moved to the dead-letter queue). */
  failed: number;
  /** Age of the oldest waiting delivery in seconds (0 when none waits). */
  oldestWaitingS: number;
}

/** The bus as `alphintra status` shows it: what waits, per queue, and the dead letters. */
export interface EventsSummary {
  ok: true;
  waiting: number;
  deadLettered: number;
  oldestWaitingS: number;
  /** Only queues holding something that is not done. */
  queues: BusQueueView[];
}

export type EventsView = EventsSummary | { ok: false; error: string };

const DEAD = '.dead';

// A job carries a batch of events (EventBatch), so deliveries are counted in events.
const QUEUES = `
  SELECT name,
         coalesce(sum(${EVENTS_IN_JOB_SQL}) FILTER (WHERE state IN ('created', 'retry')), 0)::int AS waiting,
         coalesce(sum(${EVENTS_IN_JOB_SQL}) FILTER (WHERE state = 'active'), 0)::int AS active,
         coalesce(sum(${EVENTS_IN_JOB_SQL}) FILTER (WHERE state = 'failed'), 0)::int AS failed,
         coalesce(extract(epoch FROM now() - min(created_on)
                  FILTER (WHERE state IN ('created', 'retry'))), 0)::float8 AS oldest
    FROM pgboss.job
   WHERE state IN ('created', 'retry', 'active', 'failed')
   GROUP BY name
   ORDER BY name`;

/** Reads the bus's queues (read-only, one query); no pg-boss schema yet means nothing queued. */
export async function queuesOf(client: Pick<pg.Client, 'query'>): Promise<BusQueueView[]> {
  try {
    const { rows } = await client.query<{
      name: string;
      waiting: number;
      active: number;
      failed: number;
      oldest: number;
    }>(QUEUES);
    return rows.map((r) => ({
      name: r.name,
      waiting: r.waiting,
      active: r.active,
      failed: r.failed,
      oldestWaitingS: Math.round(r.oldest),
    }));
  } catch (err) {
    // 3F000: no pgboss schema, 42P01: no job table (no service has started the bus yet).
    if (['3F000', '42P01'].includes((err as { code?: string }).code ?? '')) return [];
    throw err;
  }
}

/** Totals over the queues: what waits for a consumer, and what was dead-lettered. */
export function summarizeQueues(queues: readonly BusQueueView[]): EventsSummary {
  let waiting = 0;
  let deadLettered = 0;
  let oldestWaitingS = 0;
  for (const q of queues) {
    if (q.name.endsWith(DEAD)) {
      deadLettered += q.waiting;
    } else {
      waiting += q.waiting;
      oldestWaitingS = Math.max(oldestWaitingS, q.oldestWaitingS);
    }
  }
  return { ok: true, waiting, deadLettered, oldestWaitingS, queues: [...queues] };
}

/** The event bus's queues, as the bus role, within the status budget. */
export async function readEvents(
  state: RuntimeState,
  paths: HomePaths,
  budgetMs = SHARED_READ_BUDGET_MS,
): Promise<EventsView> {
  const read = await readSharedDatabase(state, paths, 'bus', queuesOf, budgetMs);
  return read.ok ? summarizeQueues(read.value) : read;
}
