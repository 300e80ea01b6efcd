import type { ChalkInstance } from 'chalk';
import type { UpEvent, UpReporter } from '../runtime/local/events.js';
import { API_VERSION } from './envelope.js';

/** A reporter plus the means to finish it (all pending rows settle, output flushed). */
export interface ClosableReporter {
  report: UpReporter;
  close: (error?: unknown) => Promise<void>;
}

/**
 * How long an instance may wait for readiness before the plain reporter says so, and how often
 * it repeats: a service loading its code refuses connections for its first second or two on
 * every start, and a line per instance per second of that buried the lines that mattered.
 */
export const QUIET_WAIT_MS = 5000;

/** Plain lines on stderr: for CI logs and pipes (no cursor movement). */
export function plainReporter(
  c: ChalkInstance,
  verbose: boolean,
  write: (line: string) => void = (s) => void process.stderr.write(`${s}\n`),
): ClosableReporter {
  const waitShown = new Map<string, number>();
  const showWait = (instance: string, elapsedMs: number): boolean => {
    if (verbose) return true;
    const last = waitShown.get(instance);
    if (elapsedMs < QUIET_WAIT_MS || (last !== undefined && elapsedMs - last < QUIET_WAIT_MS))
      return false;
    waitShown.set(instance, elapsedMs);
    return true;
  };
  return {
    report: (e: UpEvent) => {
      // Notes are printed once, with the result, by the caller.
      if (e.type === 'note') return;
      if (e.type === 'step') {
        if (e.status === 'done') write(`${c.green('✔')} ${e.message}`);
        else if (verbose) write(`${c.dim('…')} ${e.message}`);
      } else if (e.status === 'ready')
        write(`${c.green('✔')} ${e.message} ${c.dim(`(${e.elapsedMs} ms)`)}`);
      else if (e.status === 'waiting') {
        if (showWait(e.instance, e.elapsedMs)) write(`${c.dim('…')} ${e.message}`);
      } else if (verbose) write(`${c.dim('…')} ${e.message}`);
    },
    close: async () => undefined,
  };
}

/** NDJSON events on stderr with --json: machines can follow progress; stdout keeps the envelope. */
export function ndjsonReporter(): ClosableReporter {
  return {
    report: (e: UpEvent) =>
      void process.stderr.write(`${JSON.stringify({ apiVersion: API_VERSION, event: e })}\n`),
    close: async () => undefined,
  };
}
