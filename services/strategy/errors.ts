import { defineErrors } from '../platform/index.js';

/** The strategy service's error registry (codes are part of the public API). */
export const strategyErrors = defineErrors({
  ALP_STRATEGY_TYPE_UNKNOWN: { status: 400, message: 'unknown strategy type %s' },
  ALP_STRATEGY_PARAMETERS_INVALID: {
    status: 400,
    message: 'parameters of %s are invalid: %s',
  },
});
