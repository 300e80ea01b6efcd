import type { ChalkInstance } from 'chalk';
import type { E2eResult, TestStatus } from './run-e2e.js';

const MARK: Record<TestStatus, string> = {
  passed: 'pass',
  failed: 'FAIL',
  'not-built': 'not built',
  skipped: 'skipped',
};

function paint(c: ChalkInstance, status: TestStatus, text: string): string {
  if (status === 'passed') return c.green(text);
  if (status === 'failed') return c.red(text);
  return c.yellow(text);
}

/** The e2e report: one line per test (with the reason when it did not pass), then the counts. */
export function renderE2e(r: E2eResult, c: ChalkInstance): string {
  const lines = [c.dim(`${r.command}  (gateway ${r.gateway})`), ''];
  let area = '';
  for (const t of r.tests) {
    if (t.area !== area) {
      area = t.area;
      lines.push(c.bold(area));
    }
    const ms =
      t.status === 'passed' || t.status === 'failed' ? c.dim(` ${Math.round(t.ms)} ms`) : '';
    lines.push(`  ${paint(c, t.status, MARK[t.status].padEnd(9))} ${t.id} ${t.title}${ms}`);
    if (t.reason) lines.push(`            ${c.dim(t.reason)}`);
    for (const n of t.notes) lines.push(`            ${c.dim(n)}`);
  }
  const k = r.counts;
  lines.push(
    '',
    `${k.passed} passed, ${k.failed} failed, ${k['not-built']} not built, ${k.skipped} skipped` +
      ` (${k.selected} of the suite's ${k.total} selected) in ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  if (r.interrupted) lines.push(c.yellow(`interrupted by ${r.interrupted.signal}`));
  lines.push(r.passed ? c.green('e2e passed') : c.red('e2e failed'));
  return lines.join('\n');
}
