import { canonicalDecimal, DecimalString, Period, Timeframe } from './parameter-kinds.js';
import { decimalRangeProblems } from './decimal-range.js';
import { parameterSchema, type StrategyType } from './strategy-type.js';

const parameters = parameterSchema({
  timeframe: Timeframe,
  lookback: Period('Candles over which the return is measured', 1),
  threshold: DecimalString(
    'Return over the lookback that triggers a trade, as a fraction (0.02 = 2 %); 0 < threshold < 1',
  ),
});

/** Buys when the lookback return exceeds +threshold, sells when it falls below -threshold. */
export const momentum: StrategyType<typeof parameters, 'momentum'> = {
  id: 'momentum',
  title: 'Momentum',
  description:
    'Buys when the return over the lookback exceeds the threshold and sells when it falls below minus the threshold.',
  parameters,
  refine: (p) => [
    ...decimalRangeProblems(p, 'maxPosition', { above: '0' }),
    ...decimalRangeProblems(p, 'threshold', { above: '0', below: '1' }),
  ],
  normalise: (p) => ({
    ...p,
    threshold: canonicalDecimal(p.threshold),
    ...(p.maxPosition !== undefined ? { maxPosition: canonicalDecimal(p.maxPosition) } : {}),
  }),
};
