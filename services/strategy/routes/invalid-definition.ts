import { withExtras } from '../../platform/index.js';
import { STRATEGY_TYPE_IDS } from '../domain/strategy-types.js';
import type { StrategyValidation } from '../domain/validate-strategy.js';
import { strategyErrors } from '../errors.js';

/** The 400 for a definition that did not validate: unknown type, or every parameter problem. */
export function invalidDefinition(
  type: string,
  result: Exclude<StrategyValidation, { valid: true }>,
): Error {
  if ('unknownType' in result) {
    return withExtras(new strategyErrors.ALP_STRATEGY_TYPE_UNKNOWN(JSON.stringify(type)), {
      knownTypes: STRATEGY_TYPE_IDS,
    });
  }
  const summary = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return withExtras(new strategyErrors.ALP_STRATEGY_PARAMETERS_INVALID(type, summary), {
    problems: result.problems,
  });
}
