import type { ChalkInstance } from 'chalk';
import { PHASE_NAMES, type Phase } from './checks.js';
import type { CheckStatus, ValidateResult } from './run-validate.js';

const MARK: Record<CheckStatus, string> = {
  passed: 'pass',
  failed: 'FAIL',
  skipped: 'skipped',
  'not-built': 'not built',
};

function paint(c: ChalkInstance, status: CheckStatus, text: string): string {
  if (status === 'passed') return c.green(text);
  if (status === 'failed') return c.red(text);
  return c.yellow(text);
}

/** The validate report: one line per check (with the reason when it did not pass), then the counts. */
export function renderValidate(r: ValidateResult, c: ChalkInstance): string {
  const where = r.platform ? `platform ${r.platform.gateway}` : 'no running platform';
  const lines = [c.dim(`${r.command}  (target ${r.target}, ${where})`), ''];
  let phase: Phase | undefined;
  for (const t of r.checks) {
    if (t.phase !== phase) {
      phase = t.phase;
      lines.push(c.bold(`${phase} ${PHASE_NAMES[phase]}`));
    }
    const ms =
      t.status === 'passed' || t.status === 'failed' ? c.dim(` ${Math.round(t.ms)} ms`) : '';
    lines.push(`  ${paint(c, t.status, MARK[t.status].padEnd(9))} ${t.id} ${t.title}${ms}`);
    if (t.reason) lines.push(`             ${c.dim(t.reason)}`);
    for (const n of t.notes) lines.push(`             ${c.dim(n)}`);
  }
  const k = r.counts;
  lines.push(
    '',
    `${k.passed} passed, ${k.failed} failed, ${k['not-built']} not built, ${k.skipped} skipped` +
      ` (${k.selected} of the suite's ${k.total} selected) in ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  if (r.interrupted) lines.push(c.yellow(`interrupted by ${r.interrupted.signal}`));
  lines.push(r.passed ? c.green('validate passed') : c.red('validate failed'));
  return lines.join('\n');
}
