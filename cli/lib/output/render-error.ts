import type { ChalkInstance } from 'chalk';
import type { ErrorReport } from '../errors.js';

/** Human rendering of an error report (stderr). Plain lines; colour only through `c`. */
export function renderError(report: ErrorReport, c: ChalkInstance): string {
  const lines = [`${c.red.bold('Error')} ${c.dim(`[${report.code}]`)} ${report.message}`];
  for (const p of report.problems ?? []) lines.push(`  - ${p}`);
  if (report.target !== undefined) {
    const status = report.status === undefined ? '' : ` (exit/status ${report.status})`;
    lines.push(`  while running: ${report.target}${status}`);
  }
  if (report.outputTail && report.outputTail.length > 0) {
    lines.push(c.dim('  last output:'));
    for (const l of report.outputTail) lines.push(c.dim(`  | ${l}`));
  }
  for (const s of report.suggestions) lines.push(`  ${c.cyan('→')} ${s}`);
  if (report.stack !== undefined) lines.push(c.dim(report.stack));
  return lines.join('\n');
}
