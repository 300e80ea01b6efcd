import type { BossDb } from './prepared-db.js';

/*
 * Vacuums the job tables of the queues this process consumes, once enough deliveries finished
 * there. A delivery's row is inserted, updated to active, updated to completed and later moved
 * to the archive; each update changes the indexed `state`, so the queue's fetch index
 * (`name, start_after ... WHERE state < 'active'`) keeps an entry for every dead version until
 * VACUUM removes it, and every fetch walks them. Autovacuum visits a database at most once per
 * `autovacuum_naptime` (a minute by default): under `bench order` on a fresh platform a fetch
 * then read 11,000-41,000 buffers to return ~22 jobs, against ~700-1,200 with the partitions
 * vacuumed every few seconds, and PostgreSQL's CPU per order fell by a third
 * (benchmarks/README.md, thirteenth session). Doing it here rather than lowering the naptime
 * costs nothing while idle and works on any server the bus runs on.
 */

export interface QueueVacuumOptions {
  readonly db: BossDb;
  /** pg-boss's schema. */
  readonly schema?: string;
  /** How often to look at the counts. */
  readonly everyMs?: number;
  /** Deliveries finished on a queue since its last vacuum before it is vacuumed again. */
  readonly minDeliveries?: number;
  readonly onError?: (err: Error) => void;
}

export interface QueueVacuum {
  /** Counts deliveries this process finished on `queue`. */
  finished(queue: string, deliveries: number): void;
  /** One pass now: vacuums every queue at or over the threshold (tests; the timer calls it). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** insufficient_privilege: the bus role does not own pg-boss's tables; nothing to retry. */
const NOT_OWNER = '42501';

export function createQueueVacuum(opts: QueueVacuumOptions): QueueVacuum {
  const schema = opts.schema ?? 'pgboss';
  const minDeliveries = opts.minDeliveries ?? 1_000;
  const counts = new Map<string, number>();
  const partitions = new Map<string, string>();
  let disabled = false;
  let running: Promise<void> | undefined;

  async function partitionOf(queue: string): Promise<string | undefined> {
    const known = partitions.get(queue);
    if (known) return known;
    const { rows } = await opts.db.executeSql(
      `SELECT partition_name FROM ${quoteIdent(schema)}.queue WHERE name = $1`,
      [queue],
    );
    const name = (rows[0] as { partition_name?: string | null } | undefined)?.partition_name;
    if (name) partitions.set(queue, name);
    return name ?? undefined;
  }

  async function pass(): Promise<void> {
    for (const [queue, n] of counts) {
      if (disabled || n < minDeliveries) continue;
      counts.set(queue, 0);
      try {
        const partition = await partitionOf(queue);
        if (!partition) continue;
        // SKIP_LOCKED: another process vacuuming the same queue (a second instance) is enough.
        await opts.db.executeSql(
          `VACUUM (SKIP_LOCKED) ${quoteIdent(schema)}.${quoteIdent(partition)}`,
        );
      } catch (err) {
        if ((err as { code?: string }).code === NOT_OWNER) disabled = true;
        opts.onError?.(
          Object.assign(
            new Error(`vacuum of queue ${queue} failed${disabled ? '; not again' : ''}`),
            {
              cause: err,
            },
          ),
        );
      }
    }
  }

  function runOnce(): Promise<void> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => void runOnce(), opts.everyMs ?? 5_000);
  timer.unref();

  return {
    finished(queue, deliveries) {
      counts.set(queue, (counts.get(queue) ?? 0) + deliveries);
    },
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
