import { defineErrors } from '../platform/index.js';

/** The strategy service's error registry (codes are part of the public API). */
export const strategyErrors = defineErrors({
  ALP_STRATEGY_TYPE_UNKNOWN: { status: 400, message: 'unknown strategy type %s' },
  ALP_STRATEGY_PARAMETERS_INVALID: {
    status: 400,
    message: 'parameters of %s are invalid: %s',
  },
  // Also the answer for another user's strategy: 404, never 403, so ids cannot be probed.
  ALP_STRATEGY_NOT_FOUND: { status: 404, message: 'no such strategy' },
});
