import type { Workflow } from './workflow.js';

/** What the SMA-crossover drawing is made of (the template's parameters). */
export interface SmaCrossoverSettings {
  readonly symbol: string;
  readonly timeframe: string;
  readonly fast: number;
  readonly slow: number;
  /** Decimal string; no max-position node when absent. */
  readonly maxPosition?: string;
}

/** The SMA-crossover workflow: market data, a fast and a slow SMA, crossings to buy and sell. */
export function smaCrossoverWorkflow(s: SmaCrossoverSettings): Workflow {
  return {
    nodes: [
      { id: 'md', component: 'market-data', config: { symbol: s.symbol, timeframe: s.timeframe } },
      { id: 'fast', component: 'sma', config: { period: s.fast } },
      { id: 'slow', component: 'sma', config: { period: s.slow } },
      { id: 'up', component: 'crosses-above' },
      { id: 'down', component: 'crosses-below' },
      { id: 'buy', component: 'buy' },
      { id: 'sell', component: 'sell' },
      ...(s.maxPosition !== undefined
        ? [{ id: 'cap', component: 'max-position', config: { quantity: s.maxPosition } }]
        : []),
    ],
    edges: [
      { from: { node: 'md', port: 'close' }, to: { node: 'fast', port: 'source' } },
      { from: { node: 'md', port: 'close' }, to: { node: 'slow', port: 'source' } },
      { from: { node: 'fast', port: 'value' }, to: { node: 'up', port: 'a' } },
      { from: { node: 'slow', port: 'value' }, to: { node: 'up', port: 'b' } },
      { from: { node: 'fast', port: 'value' }, to: { node: 'down', port: 'a' } },
      { from: { node: 'slow', port: 'value' }, to: { node: 'down', port: 'b' } },
      { from: { node: 'up', port: 'signal' }, to: { node: 'buy', port: 'trigger' } },
      { from: { node: 'down', port: 'signal' }, to: { node: 'sell', port: 'trigger' } },
    ],
  };
}

/**
 * A complete SMA-crossover workflow (10/30 on AAPL daily, capped at 100 shares): the
 * canonical example the tests build variations of.
 */
export function smaCrossoverExample(): Workflow {
  return smaCrossoverWorkflow({
    symbol: 'AAPL',
    timeframe: '1d',
    fast: 10,
    slow: 30,
    maxPosition: '100.0',
  });
}
