import { dca } from './dca.js';
import { momentum } from './momentum.js';
import { smaCrossover } from './sma-crossover.js';
import type { TObject } from '@sinclair/typebox';
import type { StrategyType } from './strategy-type.js';

export const STRATEGY_TYPE_IDS = ['sma-crossover', 'momentum', 'dca'] as const;
export type StrategyTypeId = (typeof STRATEGY_TYPE_IDS)[number];

/** Every strategy type, keyed by id; the type forces exactly one entry per id. */
export const strategyTypes: { readonly [K in StrategyTypeId]: StrategyType<TObject, K> } = {
  'sma-crossover': smaCrossover,
  momentum,
  dca,
};

export function isStrategyTypeId(id: string): id is StrategyTypeId {
  return (STRATEGY_TYPE_IDS as readonly string[]).includes(id);
}
