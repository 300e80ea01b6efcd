import { Type } from '@sinclair/typebox';
import type { Component, InputPort } from './component.js';

// Same syntax and ranges as the strategy service's parameters, so that whatever validates
// here compiles into a definition the strategy service accepts.
export const MarketSymbol = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9.-]{0,19}$',
  errorMessage: 'Expected an upper-case symbol of 1-20 characters (A-Z, 0-9, ".", "-")',
});
export const Timeframe = Type.Union(
  ['1m', '5m', '15m', '1h', '4h', '1d'].map((t) => Type.Literal(t)),
  { default: '1d' },
);
export const Period = (minimum: number) => Type.Integer({ minimum, maximum: 500 });
export const Quantity = Type.String({
  pattern: '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,8})?$',
  errorMessage:
    'Expected a decimal string such as "12.5" (plain digits, at most 8 fractional digits)',
});
const none = Type.Object({}, { additionalProperties: false });

const source: InputPort = {
  name: 'source',
  type: 'series',
  required: true,
  description: 'Values the indicator is computed over',
};
const pair: InputPort[] = [
  { name: 'a', type: 'series', required: true, description: 'Left-hand series' },
  { name: 'b', type: 'series', required: true, description: 'Right-hand series' },
];
const trigger: InputPort = {
  name: 'trigger',
  type: 'signal',
  required: true,
  description: 'Places the order on every candle where this signal fires',
};

export const COMPONENT_IDS = [
  'market-data',
  'sma',
  'ema',
  'rsi',
  'crosses-above',
  'crosses-below',
  'greater-than',
  'buy',
  'sell',
  'max-position',
] as const;
export type ComponentId = (typeof COMPONENT_IDS)[number];

/** The component catalog; the type forces exactly one entry per id. */
export const components: { readonly [K in ComponentId]: Component<K> } = {
  'market-data': {
    id: 'market-data',
    category: 'source',
    title: 'Market data',
    description: 'Candles of one symbol from the broker’s market data',
    config: Type.Object(
      { symbol: MarketSymbol, timeframe: Timeframe },
      { additionalProperties: false },
    ),
    inputs: [],
    outputs: [{ name: 'close', type: 'series', description: 'Closing price of each candle' }],
  },
  sma: {
    id: 'sma',
    category: 'indicator',
    title: 'Simple moving average',
    description: 'Arithmetic mean of the last `period` values',
    config: Type.Object({ period: Period(1) }, { additionalProperties: false }),
    inputs: [source],
    outputs: [{ name: 'value', type: 'series', description: 'The average' }],
  },
  ema: {
    id: 'ema',
    category: 'indicator',
    title: 'Exponential moving average',
    description: 'Moving average weighting recent values more (alpha = 2 / (period + 1))',
    config: Type.Object({ period: Period(1) }, { additionalProperties: false }),
    inputs: [source],
    outputs: [{ name: 'value', type: 'series', description: 'The average' }],
  },
  rsi: {
    id: 'rsi',
    category: 'indicator',
    title: 'Relative strength index',
    description: 'Wilder’s RSI over `period` values, from 0 to 100',
    config: Type.Object({ period: Period(2) }, { additionalProperties: false }),
    inputs: [source],
    outputs: [{ name: 'value', type: 'series', description: 'RSI, 0-100' }],
  },
  'crosses-above': {
    id: 'crosses-above',
    category: 'condition',
    title: 'Crosses above',
    description: 'Fires on the candle where a moves from at or below b to above b',
    config: none,
    inputs: pair,
    outputs: [{ name: 'signal', type: 'signal', description: 'The crossing' }],
  },
  'crosses-below': {
    id: 'crosses-below',
    category: 'condition',
    title: 'Crosses below',
    description: 'Fires on the candle where a moves from at or above b to below b',
    config: none,
    inputs: pair,
    outputs: [{ name: 'signal', type: 'signal', description: 'The crossing' }],
  },
  'greater-than': {
    id: 'greater-than',
    category: 'condition',
    title: 'Greater than',
    description: 'Fires on every candle where a is above b',
    config: none,
    inputs: pair,
    outputs: [{ name: 'signal', type: 'signal', description: 'a > b' }],
  },
  buy: {
    id: 'buy',
    category: 'action',
    title: 'Buy',
    description: 'Opens or adds to a long position when triggered',
    config: none,
    inputs: [trigger],
    outputs: [],
  },
  sell: {
    id: 'sell',
    category: 'action',
    title: 'Sell',
    description: 'Closes or reduces the position when triggered',
    config: none,
    inputs: [trigger],
    outputs: [],
  },
  'max-position': {
    id: 'max-position',
    category: 'risk',
    title: 'Max position',
    description: 'Caps the absolute position the workflow may build, in units of the symbol',
    config: Type.Object({ quantity: Quantity }, { additionalProperties: false }),
    inputs: [],
    outputs: [],
  },
};

export function isComponentId(id: string): id is ComponentId {
  return (COMPONENT_IDS as readonly string[]).includes(id);
}
