import type { Workflow } from './workflow.js';

/**
 * A complete SMA-crossover workflow (10/30 on AAPL daily, capped at 100 shares): the
 * canonical example the tests build variations of, and the seed of a future template.
 */
export function smaCrossoverExample(): Workflow {
  return {
    nodes: [
      { id: 'md', component: 'market-data', config: { symbol: 'AAPL', timeframe: '1d' } },
      { id: 'fast', component: 'sma', config: { period: 10 } },
      { id: 'slow', component: 'sma', config: { period: 30 } },
      { id: 'up', component: 'crosses-above' },
      { id: 'down', component: 'crosses-below' },
      { id: 'buy', component: 'buy' },
      { id: 'sell', component: 'sell' },
      { id: 'cap', component: 'max-position', config: { quantity: '100.0' } },
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
