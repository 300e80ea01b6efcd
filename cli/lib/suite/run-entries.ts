import { AssertionError } from 'node:assert';
import { randomInt } from 'node:crypto';
import { inspect } from 'node:util';
import { untilAborted } from '../signals.js';

/*
 * What the e2e suite and the validate suite share: entries with stable ids that run under a
 * deadline, side by side or alone, each from a loopback client address of its own, and end
 * passed, failed, skipped (with the reason) or not built (a gap: never run).
 */

export type EntryStatus = 'passed' | 'failed' | 'skipped' | 'not-built';

export interface EntryResult {
  id: string;
  title: string;
  status: EntryStatus;
  /** Wall time in milliseconds (0 when it did not run). */
  ms: number;
  /** Why it failed, why it was skipped, or what is not built. */
  reason: string | null;
  /** What it recorded while it ran (what it covered, what it saw). */
  notes: string[];
}

/** An entry that runs; `C` is what it is given (the suite's context). */
export interface Runnable<C> {
  readonly id: string;
  readonly title: string;
  /** Must not run next to other entries (it changes the platform, or watches one request). */
  readonly alone?: boolean;
  /** Its own budget in ms, when it must outlast the platform's own waits. */
  readonly timeoutMs?: number;
  readonly run: (ctx: C) => Promise<void>;
}

/** What every entry's context is made from. */
export interface RunEnv {
  /** Aborted when the entry's deadline passes or the run is interrupted. */
  readonly signal: AbortSignal;
  /** The entry's own client address (127.0.0.0/8). */
  readonly from: string;
  /** The entry's notes (what `note` appends to). */
  readonly notes: string[];
}

/** Thrown by an entry that cannot run here; the reason is reported, never counted as passed. */
export class Skip extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Skip';
  }
}

/** Ends the entry as skipped, with the reason. */
export function skip(reason: string): never {
  throw new Skip(reason);
}

/**
 * A client address of its own for each entry, in 127.0.0.0/8: the gateway's per-IP limits
 * (anonymous rate limit, login throttling) then never carry over from one entry, or one run,
 * to the next. The second octet is drawn per run.
 */
export function clientAddress(runOctet: number, index: number): string {
  return `127.${runOctet}.${Math.floor(index / 250)}.${1 + (index % 250)}`;
}

/**
 * A failure in one line: the assertion's own words (its first line; node's diff left out) with
 * what was expected and what came, or the error's message and cause.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof AssertionError) {
    const said = err.message.split('\n')[0]!.trim();
    if (err.operator === 'fail' || err.operator === undefined) return said;
    const shown = (v: unknown) => inspect(v, { breakLength: Infinity, depth: 3 });
    return `${said} (expected ${shown(err.expected)}, got ${shown(err.actual)})`;
  }
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/** Runs one entry under its deadline; never throws. */
async function runOne<C>(
  entry: Runnable<C>,
  makeContext: (entry: Runnable<C>, env: RunEnv) => C,
  from: string,
  timeoutMs: number,
  runSignal: AbortSignal,
): Promise<EntryResult> {
  const notes: string[] = [];
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([deadline, runSignal]);
  const started = performance.now();
  const base = { id: entry.id, title: entry.title, notes };
  try {
    await Promise.race([
      entry.run(makeContext(entry, { signal, from, notes })),
      untilAborted(signal).then(() => {
        throw new Error(
          deadline.aborted ? `no result within ${timeoutMs / 1000} s` : 'interrupted',
        );
      }),
    ]);
    return { ...base, status: 'passed', ms: performance.now() - started, reason: null };
  } catch (err) {
    const ms = performance.now() - started;
    if (err instanceof Skip) return { ...base, status: 'skipped', ms, reason: err.reason };
    return { ...base, status: 'failed', ms, reason: describeFailure(err) };
  }
}

export interface RunEntriesOptions<C> {
  /** Each entry's context, from its deadline, address and notes. */
  makeContext: (entry: Runnable<C>, env: RunEnv) => C;
  /** Where an entry stands in its whole suite (its client address follows from it). */
  indexOf: (entry: Runnable<C>) => number;
  timeoutMs: number;
  /** How many entries that may share the platform run at once. */
  concurrency: number;
  signal: AbortSignal;
  /** Told of each result as it comes. */
  record: (result: EntryResult) => void;
}

/**
 * Runs entries: those that may share the platform `concurrency` at a time, then the ones that
 * must run alone, one by one. Stops starting new ones once the run is interrupted.
 */
export async function runEntries<C>(
  entries: readonly Runnable<C>[],
  opts: RunEntriesOptions<C>,
): Promise<void> {
  const runOctet = randomInt(2, 255);
  const one = (e: Runnable<C>) =>
    runOne(
      e,
      opts.makeContext,
      clientAddress(runOctet, opts.indexOf(e)),
      Math.max(e.timeoutMs ?? 0, opts.timeoutMs),
      opts.signal,
    ).then(opts.record);
  const shared = entries.filter((e) => !e.alone);
  let next = 0;
  const worker = async () => {
    while (next < shared.length && !opts.signal.aborted) await one(shared[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, shared.length) }, worker));
  for (const e of entries.filter((x) => x.alone)) {
    if (opts.signal.aborted) break;
    await one(e);
  }
}

/** The run's counts: how many of each status, of the selection and of the whole suite. */
export function tally(
  results: readonly EntryResult[],
  total: number,
): Record<EntryStatus, number> & { total: number; selected: number } {
  const count = (s: EntryStatus) => results.filter((r) => r.status === s).length;
  return {
    total,
    selected: results.length,
    passed: count('passed'),
    failed: count('failed'),
    'not-built': count('not-built'),
    skipped: count('skipped'),
  };
}

/** The line a suite reports for each result as it comes. */
export function progressLine(r: EntryResult): string {
  const mark = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip', 'not-built': 'gap ' }[r.status];
  return `${mark} ${r.id} ${r.title} (${Math.round(r.ms)} ms)${r.reason ? `: ${r.reason}` : ''}`;
}
