import type { BossDb } from './prepared-db.js';

/*
 * Vacuums the job tables of the queues this process consumes, once enough deliveries finished
 * there. A delivery's row is inserted, updated to active and deleted once applied (or failed,
 * and retried); the update changes the indexed `state`, so the queue's fetch index
 * (`name, start_after ... WHERE state < 'active'`) keeps an entry for every dead version until
 * VACUUM removes it, and every fetch walks them. Autovacuum visits a database at most once per
 * `autovacuum_naptime` (a minute by default): under `bench order` on a fresh platform a fetch
 * then read 11,000-41,000 buffers to return ~22 jobs, against ~700-1,200 with the partitions
 * vacuumed every few seconds, and PostgreSQL's CPU per order fell by a third
 * (benchmarks/README.md, thirteenth session). Doing it here rather than lowering the naptime
 * costs nothing while idle and works on any server the bus runs on, where its role owns
 * pg-boss's tables (it created them); otherwise the queue is left to autovacuum, said once.
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
  stop(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A queue's table, and whether this role may vacuum it (PostgreSQL only warns otherwise). */
interface QueueTable {
  readonly name: string;
  readonly owned: boolean;
}

export function createQueueVacuum(opts: QueueVacuumOptions): QueueVacuum {
  const schema = opts.schema ?? 'pgboss';
  const minDeliveries = opts.minDeliveries ?? 1_000;
  const counts = new Map<string, number>();
  const tables = new Map<string, QueueTable>();
  let running: Promise<void> | undefined;

  async function tableOf(queue: string): Promise<QueueTable | undefined> {
    const known = tables.get(queue);
    if (known) return known;
    const { rows } = await opts.db.executeSql(
      `SELECT q.partition_name AS name, pg_has_role(c.relowner, 'USAGE') AS owned
         FROM ${quoteIdent(schema)}.queue q
         JOIN pg_class c ON c.relname = q.partition_name
          AND c.relnamespace = to_regnamespace($2)
        WHERE q.name = $1`,
      [queue, schema],
    );
    const table = rows[0] as QueueTable | undefined;
    if (!table) return undefined;
    tables.set(queue, table);
    if (!table.owned) {
      opts.onError?.(
        new Error(`queue ${queue}: this role does not own ${table.name}; left to autovacuum`),
      );
    }
    return table;
  }

  async function pass(): Promise<void> {
    for (const [queue, n] of counts) {
      if (n < minDeliveries) continue;
      counts.set(queue, 0);
      try {
        const table = await tableOf(queue);
        if (!table?.owned) continue;
        // SKIP_LOCKED: another process vacuuming the same queue (a second instance) is enough.
        await opts.db.executeSql(
          `VACUUM (SKIP_LOCKED) ${quoteIdent(schema)}.${quoteIdent(table.name)}`,
        );
      } catch (err) {
        opts.onError?.(Object.assign(new Error(`vacuum of queue ${queue} failed`), { cause: err }));
      }
    }
  }

  const timer = setInterval(() => {
    running ??= pass().finally(() => {
      running = undefined;
    });
  }, opts.everyMs ?? 5_000);
  timer.unref();

  return {
    finished(queue, deliveries) {
      counts.set(queue, (counts.get(queue) ?? 0) + deliveries);
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
