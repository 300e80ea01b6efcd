import type { ChalkInstance } from 'chalk';
import type { EntryResult, EntryStatus, tally } from './run-entries.js';

const MARK: Record<EntryStatus, string> = {
  passed: 'pass',
  failed: 'FAIL',
  skipped: 'skipped',
  'not-built': 'not built',
};

function paint(c: ChalkInstance, status: EntryStatus, text: string): string {
  if (status === 'passed') return c.green(text);
  if (status === 'failed') return c.red(text);
  return c.yellow(text);
}

export interface SuiteReport<R extends EntryResult> {
  /** The first line: the command and what it ran against. */
  header: string;
  /** The suite's name in the last line: "e2e passed". */
  name: string;
  results: readonly R[];
  /** The heading of each result's group (area, phase); a line is printed when it changes. */
  groupOf: (r: R) => string;
  counts: ReturnType<typeof tally>;
  durationMs: number;
  passed: boolean;
  interrupted: { signal: string } | null;
}

/** A suite's report: one line per entry (with the reason and notes), then the counts. */
export function renderSuite<R extends EntryResult>(r: SuiteReport<R>, c: ChalkInstance): string {
  const lines = [c.dim(r.header), ''];
  let group: string | undefined;
  for (const t of r.results) {
    if (r.groupOf(t) !== group) {
      group = r.groupOf(t);
      lines.push(c.bold(group));
    }
    const ran = t.status === 'passed' || t.status === 'failed';
    const ms = ran ? c.dim(` ${Math.round(t.ms)} ms`) : '';
    lines.push(`  ${paint(c, t.status, MARK[t.status].padEnd(9))} ${t.id} ${t.title}${ms}`);
    for (const line of [...(t.reason ? [t.reason] : []), ...t.notes]) {
      lines.push(`            ${c.dim(line)}`);
    }
  }
  const k = r.counts;
  lines.push(
    '',
    `${k.passed} passed, ${k.failed} failed, ${k['not-built']} not built, ${k.skipped} skipped` +
      ` (${k.selected} of the suite's ${k.total} selected) in ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  if (r.interrupted) lines.push(c.yellow(`interrupted by ${r.interrupted.signal}`));
  lines.push(r.passed ? c.green(`${r.name} passed`) : c.red(`${r.name} failed`));
  return lines.join('\n');
}
