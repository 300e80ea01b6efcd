import { defineErrors } from '../platform/index.js';

/** The no-code service's error registry (codes are part of the public API). */
export const workflowErrors = defineErrors({
  ALP_WORKFLOW_INVALID: { status: 400, message: 'workflow is invalid: %s' },
  ALP_WORKFLOW_NOT_COMPILABLE: {
    status: 422,
    message: 'workflow is valid but cannot be compiled into a strategy: %s',
  },
});
