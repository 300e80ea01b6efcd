import type pg from 'pg';
// pg's own row parser and value serialiser (public through pg's "./lib/*" export), so a
// pipelined statement parses and binds exactly like `client.query` does.
import Result from 'pg/lib/result.js';
import { prepareValue } from 'pg/lib/utils.js';

/** One parameterised statement. */
export interface Statement {
  readonly text: string;
  readonly values?: readonly unknown[];
  /**
   * Prepare it once per connection under this name (parse and plan are then skipped on
   * later runs). The same name must always carry the same text. See `statementName`.
   */
  readonly name?: string;
}

const names = new Map<string, string>();
/** Statement texts that get a name; past this, texts run unnamed (parsed every time). */
const MAX_NAMED = 1000;

/**
 * A stable prepared-statement name for a statement text (the same text, the same name, for
 * the life of the process). Meant for constant SQL; unbounded families of texts stop being
 * named after MAX_NAMED.
 */
export function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `alp_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/** A query config that prepares the statement once per connection under its statementName. */
function prepared(text: string, values: readonly unknown[]): pg.QueryConfig {
  const name = statementName(text);
  return { text, values: [...values], ...(name !== undefined && { name }) };
}

/**
 * Makes `pool.query` prepare each parameterised statement once per connection, under the name
 * `statementName` gives its text, as transactions already do: PostgreSQL then skips parsing
 * and analysis on later runs, and planning too once its plan cache finds a generic plan no
 * worse than the custom ones. Reads outside a transaction (a profile, an order page) and
 * pg-boss's statements paid all three on every call. A query without parameters may hold
 * several statements (the simple protocol allows that, a prepared one does not) and goes as
 * it is. Every service pool (plugins/postgres.ts) and the bus's pool (events/prepared-db.ts).
 */
export function prepareParameterisedQueries(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const [text, values, callback] = args;
    return typeof text === 'string' &&
      Array.isArray(values) &&
      values.length > 0 &&
      callback === undefined
      ? query(prepared(text, values))
      : query(...args);
  }) as typeof pool.query;
}

/** What a statement that failed earlier in the same pipeline gets: it never ran. */
export class SkippedStatementError extends Error {
  constructor(override readonly cause: unknown) {
    super('statement skipped: an earlier statement in the same pipeline failed');
    this.name = 'SkippedStatementError';
  }
}

interface PgResult<R extends pg.QueryResultRow> extends pg.QueryResult<R> {
  addFields(fields: unknown[]): void;
  parseRow(data: unknown[]): R;
  addRow(row: R): void;
  addCommandComplete(msg: unknown): void;
}

/** The pieces of pg's internal Connection a submittable drives (pg 8). */
interface WireConnection {
  readonly stream: { cork?: () => void; uncork?: () => void };
  /** Names prepared on this connection, with their text (shared with pg's own queries). */
  readonly parsedStatements: Record<string, string>;
  parse(msg: { text: string; name?: string; types?: unknown[] }): void;
  close(msg: { type: 'S' | 'P'; name?: string }): void;
  bind(msg: {
    portal?: string;
    statement?: string;
    values?: readonly unknown[];
    valueMapper: (v: unknown) => unknown;
  }): void;
  describe(msg: { type: 'P' | 'S'; name?: string }): void;
  execute(msg: { portal?: string; rows?: number }): void;
  sync(): void;
}

/**
 * Names whose Parse may or may not have happened (their pipeline failed at that statement),
 * per connection: closed before the connection's next pipeline, so the name can be reused
 * (closing a statement that does not exist is not an error).
 */
const uncertain = new WeakMap<WireConnection, string[]>();

/**
 * Several statements sent in one write with one Sync (the extended protocol's pipelining):
 * one round trip instead of one per statement. Postgres runs them in order and, at the first
 * error, skips the rest up to the Sync. Without an explicit transaction they form one
 * implicit transaction (all or nothing); inside one, the transaction is left failed.
 *
 * A pg "submittable" (like pg-cursor): `client.query(pipeline)` queues it behind the
 * client's other queries and hands it the connection when the client is ready.
 */
class Pipeline {
  private index = 0;
  private current: PgResult<pg.QueryResultRow> | undefined;
  private readonly settled: boolean[];

  constructor(
    private readonly statements: readonly Statement[],
    private readonly resolvers: {
      resolve: (i: number, r: pg.QueryResult) => void;
      reject: (i: number, e: unknown) => void;
    },
  ) {
    this.settled = statements.map(() => false);
  }

  /** Names this pipeline prepares, by statement index (recorded once they surely exist). */
  private readonly preparing = new Map<number, string>();
  private connection: WireConnection | undefined;

  submit(connection: WireConnection): void {
    this.connection = connection;
    const prepared = connection.parsedStatements;
    connection.stream.cork?.();
    try {
      for (const name of uncertain.get(connection) ?? []) {
        connection.close({ type: 'S', name });
        delete prepared[name];
      }
      uncertain.delete(connection);
      const parsedHere = new Set<string>();
      this.statements.forEach((s, i) => {
        const name = s.name;
        if (name === undefined) {
          connection.parse({ text: s.text });
        } else if (prepared[name] !== s.text && !parsedHere.has(name)) {
          connection.parse({ text: s.text, name });
          parsedHere.add(name);
          this.preparing.set(i, name);
        }
        connection.bind({
          ...(name !== undefined && { statement: name }),
          values: s.values ?? [],
          valueMapper: prepareValue,
        });
        connection.describe({ type: 'P' });
        connection.execute({ rows: 0 });
      });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }

  /** Statements before `upTo` completed, so their Parse did; the one at `upTo` is unknown. */
  private recordPrepared(upTo: number): void {
    const connection = this.connection;
    if (!connection) return;
    for (const [i, name] of this.preparing) {
      if (i < upTo) connection.parsedStatements[name] = this.statements[i]!.text;
      else if (i === upTo) uncertain.set(connection, [...(uncertain.get(connection) ?? []), name]);
    }
    this.preparing.clear();
  }

  private result(): PgResult<pg.QueryResultRow> {
    this.current ??= new Result() as PgResult<pg.QueryResultRow>;
    return this.current;
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    this.result().addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    const r = this.result();
    r.addRow(r.parseRow(msg.fields));
  }

  handleCommandComplete(msg: unknown): void {
    const r = this.result();
    r.addCommandComplete(msg);
    this.done(r);
  }

  handleEmptyQuery(): void {
    this.done(this.result());
  }

  private done(r: pg.QueryResult): void {
    this.current = undefined;
    this.settled[this.index] = true;
    this.resolvers.resolve(this.index, r);
    this.index += 1;
  }

  handleError(err: unknown): void {
    this.recordPrepared(this.index);
    for (let i = this.index; i < this.statements.length; i++) {
      if (this.settled[i]) continue;
      this.settled[i] = true;
      this.resolvers.reject(i, i === this.index ? err : new SkippedStatementError(err));
    }
    this.index = this.statements.length;
  }

  handleReadyForQuery(): void {
    this.recordPrepared(this.statements.length);
    // Every statement answered before the Sync; anything left unanswered never ran.
    this.handleError(new Error('pipeline ended before every statement was answered'));
  }

  // Not expected for plain statements; present so pg never calls an undefined handler.
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}
}

/** The client surface a pipeline runs on (a pooled client or a plain `pg.Client`). */
export type PipelineClient = Pick<pg.ClientBase, 'query'>;

/**
 * Sends `statements` in one round trip and returns one promise per statement, in order. The
 * first failing statement rejects with Postgres's error; the ones after it reject with
 * SkippedStatementError (they never ran).
 */
export function pipelineEach(
  client: PipelineClient,
  statements: readonly Statement[],
): Promise<pg.QueryResult>[] {
  const deferred = statements.map(() => {
    let resolve!: (r: pg.QueryResult) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<pg.QueryResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  });
  if (statements.length === 0) return [];
  const pipeline = new Pipeline(statements, {
    resolve: (i, r) => deferred[i]!.resolve(r),
    reject: (i, e) => deferred[i]!.reject(e),
  });
  // A submittable goes through client.query's untyped path; pg returns it unchanged.
  (client.query as unknown as (s: Pipeline) => unknown)(pipeline);
  return deferred.map((d) => d.promise);
}

/**
 * Sends `statements` in one round trip; resolves with every result once all succeeded,
 * rejects with the first error. Outside a transaction the statements are all-or-nothing.
 */
export async function pipeline(
  client: PipelineClient,
  statements: readonly Statement[],
): Promise<pg.QueryResult[]> {
  const all = pipelineEach(client, statements);
  const settled = await Promise.allSettled(all);
  const failed = settled.find(
    (s): s is PromiseRejectedResult =>
      s.status === 'rejected' && !(s.reason instanceof SkippedStatementError),
  );
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<pg.QueryResult>).value);
}
