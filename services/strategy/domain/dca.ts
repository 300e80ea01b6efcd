import { Type } from '@sinclair/typebox';
import { canonicalDecimal, DecimalString } from './parameter-kinds.js';
import { decimalRangeProblems } from './decimal-range.js';
import { parameterSchema, type StrategyType } from './strategy-type.js';

export const DCA_INTERVALS = ['1m', '1h', '1d', '1w'] as const;

const parameters = parameterSchema({
  amount: DecimalString('Quote-currency amount bought at every interval; > 0'),
  interval: Type.Union(
    DCA_INTERVALS.map((i) => Type.Literal(i)),
    { description: 'Time between purchases' },
  ),
});

/** Dollar-cost averaging: buys a fixed quote amount at a fixed interval, whatever the price. */
export const dca: StrategyType<typeof parameters, 'dca'> = {
  id: 'dca',
  title: 'Dollar-cost averaging',
  description: 'Buys a fixed quote-currency amount at a fixed interval, whatever the price.',
  parameters,
  refine: (p) => [
    ...decimalRangeProblems(p, 'maxPosition', { above: '0' }),
    ...decimalRangeProblems(p, 'amount', { above: '0' }),
  ],
  normalise: (p) => ({
    ...p,
    amount: canonicalDecimal(p.amount),
    ...(p.maxPosition !== undefined ? { maxPosition: canonicalDecimal(p.maxPosition) } : {}),
  }),
};
