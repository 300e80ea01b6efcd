import type { ChalkInstance } from 'chalk';
import { renderSuite } from '../suite/render.js';
import type { E2eResult } from './run-e2e.js';

/** The e2e report: one line per test by area (with the reason when it did not pass), then the counts. */
export function renderE2e(r: E2eResult, c: ChalkInstance): string {
  return renderSuite(
    {
      header: `${r.command}  (gateway ${r.gateway})`,
      name: 'e2e',
      results: r.tests,
      groupOf: (t) => t.area,
      counts: r.counts,
      durationMs: r.durationMs,
      passed: r.passed,
      interrupted: r.interrupted,
    },
    c,
  );
}
