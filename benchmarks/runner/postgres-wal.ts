import type pg from 'pg';
import type { HomePaths } from '../../cli/lib/runtime/local/paths.js';
import { readSharedDatabase } from '../../cli/lib/runtime/local/shared-db-read.js';
import type { RuntimeState } from '../../cli/lib/runtime/local/state.js';

/**
 * Where the platform's PostgreSQL is in its write-ahead log. Every change a request makes
 * (rows, index entries, row locks, commits) is written there before anything else, so the
 * WAL a response costs is the database's work per request, counted by the server itself:
 * unlike CPU time or throughput it does not move with the machine's load, so two commits
 * compare on it run to run.
 */
export interface WalPosition {
  /** Bytes since the start of the log (pg_current_wal_lsn). */
  readonly bytes: number;
  /**
   * Records written (pg_stat_wal). Backends add theirs to this counter at most once a second
   * while busy and within seconds of going idle, so a short run's count is approximate; the
   * bytes (from the WAL position itself) are exact.
   */
  readonly records: number;
  /**
   * Full-page images (pg_stat_wal, counted like records): the first change to a page after a
   * checkpoint logs the whole 8 kB page, so a run with a checkpoint in it writes far more
   * WAL than one without, for the same requests. This says which kind of run it was.
   */
  readonly fullPageImages: number;
}

/** WAL per response over a run: bytes, records (an index entry is one), full-page images. */
export interface WalPerResponse {
  readonly bytes: number;
  readonly records: number;
  readonly fullPageImages: number;
}

export async function walPositionOf(client: Pick<pg.Client, 'query'>): Promise<WalPosition> {
  const { rows } = await client.query<{ bytes: string; records: string; fpi: string }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes,
            wal_records::text AS records, wal_fpi::text AS fpi
       FROM pg_stat_wal`,
  );
  const row = rows[0]!;
  return {
    bytes: Number(row.bytes),
    records: Number(row.records),
    fullPageImages: Number(row.fpi),
  };
}

/**
 * The WAL position of the platform's PostgreSQL, read as the bus role (as `alphintra status`
 * reads the bus); undefined when it cannot be read. The log is the server's: a PostgreSQL
 * shared with other work (DATABASE_URL) charges that work to the run as well.
 */
export async function readWalPosition(
  state: RuntimeState,
  paths: HomePaths,
): Promise<WalPosition | undefined> {
  const read = await readSharedDatabase(state, paths, 'bus', walPositionOf);
  return read.ok ? read.value : undefined;
}

/** WAL per response between two positions; undefined without responses or positions. */
export function walPerResponse(
  before: WalPosition | undefined,
  after: WalPosition | undefined,
  responses: number,
): WalPerResponse | undefined {
  if (!before || !after || responses <= 0) return undefined;
  const per = (d: number) => Math.round((d / responses) * 10) / 10;
  return {
    bytes: Math.round((after.bytes - before.bytes) / responses),
    records: per(after.records - before.records),
    fullPageImages: per(after.fullPageImages - before.fullPageImages),
  };
}

/** `19.8 kB WAL/response (110 records, 0.4 full-page images)`. */
export function describeWal(w: WalPerResponse): string {
  const size = w.bytes >= 1000 ? `${(w.bytes / 1000).toFixed(1)} kB` : `${w.bytes} B`;
  return `${size} WAL/response (${w.records} records, ${w.fullPageImages} full-page images)`;
}
