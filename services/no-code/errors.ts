import { defineErrors } from '../platform/index.js';

/** The no-code service's error registry (codes are part of the public API). */
export const workflowErrors = defineErrors({
  ALP_WORKFLOW_INVALID: { status: 400, message: 'workflow is invalid: %s' },
  ALP_WORKFLOW_NOT_COMPILABLE: {
    status: 422,
    message: 'workflow is valid but cannot be compiled into a strategy: %s',
  },
  // Also the answer for another user's workflow: 404, never 403, so ids cannot be probed.
  ALP_WORKFLOW_NOT_FOUND: { status: 404, message: 'no such workflow' },
  ALP_WORKFLOW_TEMPLATE_NOT_FOUND: { status: 404, message: 'no workflow template %s' },
  ALP_WORKFLOW_TEMPLATE_PARAMETERS_INVALID: {
    status: 400,
    message: 'template parameters are invalid: %s',
  },
});
