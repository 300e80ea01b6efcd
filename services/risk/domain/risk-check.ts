import {
  RISK_RULE_CODES,
  RISK_RULES,
  RULE_CHECKS,
  type RiskContext,
  type RiskOrder,
  type RiskRule,
} from './rules.js';

export type RiskDecision =
  | { readonly approved: true }
  | {
      readonly approved: false;
      readonly rule: RiskRule;
      readonly code: string;
      readonly reason: string;
    };

/**
 * Runs the pre-trade rules in a fixed order (kill switch first, so a halt answers even
 * when other data is stale) and names the first rule that refuses. Pure: the caller
 * loads the context under the user's limit-row lock, and on approval stores
 * countOrder(rate) and reserveOrder(exposure) in the same transaction.
 */
export function checkOrder(order: RiskOrder, context: RiskContext): RiskDecision {
  for (const rule of RISK_RULES) {
    const reason = RULE_CHECKS[rule](order, context);
    if (reason !== null) return { approved: false, rule, code: RISK_RULE_CODES[rule], reason };
  }
  return { approved: true };
}
