import { canonicalDecimal, Period, Timeframe } from './parameter-kinds.js';
import { decimalRangeProblems } from './decimal-range.js';
import { parameterSchema, type StrategyType } from './strategy-type.js';

const parameters = parameterSchema({
  timeframe: Timeframe,
  fast: Period('Length of the fast simple moving average, in candles', 1),
  slow: Period('Length of the slow simple moving average, in candles; greater than fast', 2),
});

/** Long when the fast SMA crosses above the slow one, flat when it crosses back below. */
export const smaCrossover: StrategyType<typeof parameters, 'sma-crossover'> = {
  id: 'sma-crossover',
  title: 'SMA crossover',
  description:
    'Buys when the fast simple moving average crosses above the slow one and sells when it crosses below.',
  parameters,
  refine(p) {
    const problems = decimalRangeProblems(p, 'maxPosition', { above: '0' });
    const { fast, slow } = p;
    if (Number.isInteger(fast) && Number.isInteger(slow) && (fast as number) >= (slow as number)) {
      problems.push({
        path: '/fast',
        message: `Expected fast (${String(fast)}) to be less than slow (${String(slow)})`,
      });
    }
    return problems;
  },
  normalise: (p) => ({
    ...p,
    ...(p.maxPosition !== undefined ? { maxPosition: canonicalDecimal(p.maxPosition) } : {}),
  }),
};
