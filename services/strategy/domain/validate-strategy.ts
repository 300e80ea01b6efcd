import { Value } from '@sinclair/typebox/value';
import { schemaProblems, type ParameterProblem } from './parameter-problems.js';
import { isStrategyTypeId, strategyTypes, type StrategyTypeId } from './strategy-types.js';

export interface StrategyDefinition {
  readonly type: StrategyTypeId;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export type StrategyValidation =
  | { readonly valid: true; readonly normalised: StrategyDefinition }
  | { readonly valid: false; readonly unknownType: string }
  | { readonly valid: false; readonly problems: readonly ParameterProblem[] };

/**
 * Checks a strategy definition against its type: every schema problem and every
 * cross-field problem is listed (sorted by path), never only the first. Valid parameters
 * come back normalised: defaults filled in, decimals in canonical spelling.
 */
export function validateStrategy(type: string, parameters: unknown): StrategyValidation {
  if (!isStrategyTypeId(type)) return { valid: false, unknownType: type };
  const spec = strategyTypes[type];
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    return { valid: false, problems: [{ path: '/', message: 'Expected an object' }] };
  }
  // Defaults are applied to a copy: the caller's object is never changed.
  const withDefaults = Value.Default(spec.parameters, structuredClone(parameters)) as Record<
    string,
    unknown
  >;
  const problems = [...schemaProblems(spec.parameters, withDefaults)];
  const seen = new Set(problems.map((p) => p.path));
  for (const p of spec.refine(withDefaults)) if (!seen.has(p.path)) problems.push(p);
  if (problems.length > 0) {
    problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { valid: false, problems };
  }
  const normalised = spec.normalise(withDefaults as never) as Record<string, unknown>;
  // Keys in schema order, so equal definitions serialise identically.
  const ordered = Object.fromEntries(
    Object.keys(spec.parameters.properties)
      .filter((k) => normalised[k] !== undefined)
      .map((k) => [k, normalised[k]]),
  );
  return { valid: true, normalised: { type, parameters: ordered } };
}
