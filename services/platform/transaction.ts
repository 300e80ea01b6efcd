import type pg from 'pg';
import { pipelineEach, SkippedStatementError, statementName, type Statement } from './pipeline.js';

/**
 * Something to run statements on: a transaction (writes), or the pool itself
 * (single-statement reads). `pg.Pool`, `pg.PoolClient` and `Transaction` all fit.
 */
export interface Tx {
  // `any` rows by default, as pg's own query() has them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R extends pg.QueryResultRow = any>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** A transaction that can also take writes whose results nobody awaits (see Transaction). */
export interface WriteTx extends Tx {
  queue(text: string, values?: readonly unknown[]): void;
}

/** Statements of a transaction are prepared once per connection (see statementName). */
function statementFor(text: string, values: readonly unknown[] | undefined): Statement {
  const name = statementName(text);
  return { text, ...(values && { values }), ...(name !== undefined && { name }) };
}

interface Pending {
  readonly statement: Statement;
  readonly resolve?: (r: pg.QueryResult) => void;
  readonly reject?: (e: unknown) => void;
}

/**
 * A transaction that costs as few round trips as its logic allows: statements issued in the
 * same tick (e.g. under one `Promise.all`) go to Postgres in one pipeline; `BEGIN` rides
 * with the first of them; writes whose results are not needed (`queue`) ride with the next
 * pipeline or with the `COMMIT`. A transaction that reads, decides and writes thus costs
 * two round trips, whatever the number of statements.
 */
export class Transaction implements WriteTx {
  private pending: Pending[] = [];
  private began = false;
  private scheduled = false;
  /** The first error any statement of this transaction met: it can no longer commit. */
  private failure: unknown;

  constructor(private readonly client: pg.PoolClient) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R extends pg.QueryResultRow = any>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>> {
    return new Promise<pg.QueryResult>((resolve, reject) => {
      this.pending.push({ statement: statementFor(text, values), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    }) as Promise<pg.QueryResult<R>>;
  }

  /** A write whose result is not needed: sent with the next pipeline or the COMMIT. */
  queue(text: string, values?: readonly unknown[]): void {
    this.pending.push({ statement: statementFor(text, values) });
  }

  private flush(tail: Statement[] = []): Promise<pg.QueryResult>[] {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    const statements = batch.map((p) => p.statement);
    const head: Statement[] = this.began ? [] : [{ text: 'BEGIN' }];
    this.began = true;
    const results = pipelineEach(this.client, [...head, ...statements, ...tail]);
    const own = results.slice(head.length);
    batch.forEach((p, i) => {
      own[i]!.then(
        (r) => p.resolve?.(r),
        (e: unknown) => {
          const cause = e instanceof SkippedStatementError ? e.cause : e;
          this.failure ??= cause;
          p.reject?.(cause);
        },
      );
    });
    if (head.length > 0) results[0]!.catch((e: unknown) => (this.failure ??= e));
    return own.slice(statements.length);
  }

  /** Sends what is queued with COMMIT; throws if any statement of the transaction failed. */
  async commit(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.began && this.pending.length === 0) return;
    const [done] = this.flush([{ text: 'COMMIT' }]);
    let result: pg.QueryResult;
    try {
      result = await done!;
    } catch (e) {
      throw this.failure ?? (e instanceof SkippedStatementError ? e.cause : e);
    }
    // COMMIT of a failed transaction rolls back without an error: never report that as success.
    if (this.failure !== undefined) throw this.failure;
    if (result.command !== 'COMMIT') throw new Error(`transaction ended with ${result.command}`);
  }

  get started(): boolean {
    return this.began;
  }
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT on success, ROLLBACK on any
 * error. A connection that failed mid-transaction is destroyed rather than returned to the
 * pool, so the next request never inherits a broken session.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (e: Error) => (broken = e);
  client.on('error', onError);
  const tx = new Transaction(client);
  try {
    const result = await work(tx);
    await tx.commit();
    return result;
  } catch (err) {
    if (tx.started) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
