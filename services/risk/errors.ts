import { defineErrors } from '../platform/index.js';

/**
 * The risk service's error registry (codes are part of the public API). A refused order is
 * not an error: the check answers 200 {approved:false, rule, code} with the rule's
 * ALP_RISK_* code (see domain/rules.ts RISK_RULE_CODES).
 */
export const riskErrors = defineErrors({
  ALP_RISK_LIMITS_INVALID: { status: 400, message: 'the limits are invalid: %s' },
});
