import type { ChalkInstance } from 'chalk';
import type { UpEvent, UpReporter } from '../runtime/local/events.js';
import { API_VERSION } from './envelope.js';

/** A reporter plus the means to finish it (all pending rows settle, output flushed). */
export interface ClosableReporter {
  report: UpReporter;
  close: (error?: unknown) => Promise<void>;
}

/** Plain lines on stderr: for CI logs and pipes (no cursor movement). */
export function plainReporter(c: ChalkInstance, verbose: boolean): ClosableReporter {
  const write = (s: string): void => void process.stderr.write(`${s}\n`);
  return {
    report: (e: UpEvent) => {
      // Notes are printed once, with the result, by the caller.
      if (e.type === 'note') return;
      if (e.type === 'step') {
        if (e.status === 'done') write(`${c.green('✔')} ${e.message}`);
        else if (verbose) write(`${c.dim('…')} ${e.message}`);
      } else if (e.status === 'ready')
        write(`${c.green('✔')} ${e.message} ${c.dim(`(${e.elapsedMs} ms)`)}`);
      else if (e.status === 'waiting') write(`${c.dim('…')} ${e.message}`);
      else if (verbose) write(`${c.dim('…')} ${e.message}`);
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
