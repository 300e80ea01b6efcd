import { withExtras } from '../../platform/index.js';
import type { Finding } from '../domain/finding.js';
import { workflowErrors } from '../errors.js';

/** The 400 for a workflow with findings; the detail names the first, `findings` lists all. */
export function invalidWorkflow(findings: readonly Finding[]): Error {
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : '';
  return withExtras(
    new workflowErrors.ALP_WORKFLOW_INVALID(`${findings[0]?.message ?? 'no findings'}${more}`),
    { findings },
  );
}
