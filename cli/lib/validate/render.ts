import type { ChalkInstance } from 'chalk';
import { renderSuite } from '../suite/render.js';
import { PHASE_NAMES } from './checks.js';
import type { ValidateResult } from './run-validate.js';

/** The validate report: one line per check by phase (with the reason when it did not pass), then the counts. */
export function renderValidate(r: ValidateResult, c: ChalkInstance): string {
  const where = r.platform ? `platform ${r.platform.gateway}` : 'no running platform';
  return renderSuite(
    {
      header: `${r.command}  (target ${r.target}, ${where})`,
      name: 'validate',
      results: r.checks,
      groupOf: (t) => `${t.phase} ${PHASE_NAMES[t.phase]}`,
      counts: r.counts,
      durationMs: r.durationMs,
      passed: r.passed,
      interrupted: r.interrupted,
    },
    c,
  );
}
