import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { DecimalString, MarketSymbol } from './parameter-kinds.js';
import type { ParameterProblem } from './parameter-problems.js';

/** Parameters every strategy type has: what it trades and an optional cap on its position. */
export const commonParameters = {
  symbol: MarketSymbol,
  maxPosition: Type.Optional(
    DecimalString('Largest absolute position (quantity) this strategy may build; > 0'),
  ),
} satisfies TProperties;

/** One kind of strategy: its parameter schema plus the checks JSON Schema cannot express. */
export interface StrategyType<S extends TObject = TObject, Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  readonly description: string;
  readonly parameters: S;
  /**
   * Cross-field and decimal-range checks. Runs on input that may still have schema errors,
   * so it looks only at fields that have the right JSON type.
   */
  refine(parameters: Readonly<Record<string, unknown>>): ParameterProblem[];
  /** Canonical form of valid parameters (defaults filled, decimals in canonical spelling). */
  normalise(parameters: Static<S>): Static<S>;
}

/** The parameter object schema of a type: the common parameters plus its own, nothing else. */
export function parameterSchema<P extends TProperties>(own: P) {
  return Type.Object({ ...commonParameters, ...own }, { additionalProperties: false });
}
