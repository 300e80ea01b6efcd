import { describe, expect, test } from 'vitest';
import { compileWorkflow } from './compile-workflow.js';
import { smaCrossoverExample } from './sma-crossover-example.js';
import type { Workflow } from './workflow.js';

const after = (change: (w: Workflow) => void) => {
  const w = smaCrossoverExample();
  change(w);
  return compileWorkflow(w);
};
const node = (w: Workflow, id: string) => w.nodes.find((n) => n.id === id)!;

describe('compileWorkflow', () => {
  test('the SMA-crossover example compiles into an sma-crossover definition', () => {
    expect(compileWorkflow(smaCrossoverExample())).toEqual({
      ok: true,
      strategy: {
        type: 'sma-crossover',
        parameters: { symbol: 'AAPL', maxPosition: '100', timeframe: '1d', fast: 10, slow: 30 },
      },
    });
  });

  test('without max-position and with the default timeframe', () => {
    const result = after((w) => {
      w.nodes = w.nodes.filter((n) => n.id !== 'cap');
      node(w, 'md').config = { symbol: 'BTC-USD' };
    });
    expect(result).toEqual({
      ok: true,
      strategy: {
        type: 'sma-crossover',
        parameters: { symbol: 'BTC-USD', timeframe: '1d', fast: 10, slow: 30 },
      },
    });
  });

  test('fast and slow are decided by the wiring, not by the node ids', () => {
    const result = after((w) => {
      node(w, 'fast').config = { period: 5 };
      node(w, 'slow').config = { period: 8 };
    });
    expect(result).toMatchObject({ ok: true, strategy: { parameters: { fast: 5, slow: 8 } } });
  });

  test('an invalid workflow is refused with its findings', () => {
    const result = after((w) => w.nodes.push({ id: 'm', component: 'macd' }));
    expect(result).toEqual({
      ok: false,
      findings: [
        {
          kind: 'unknown-component',
          message: 'node "m" uses unknown component "macd"',
          nodes: ['m'],
        },
      ],
    });
  });

  test.each<{ name: string; change: (w: Workflow) => void; unsupported: string[] }>([
    {
      name: 'the fast SMA is not shorter than the slow one',
      change: (w) => {
        node(w, 'fast').config = { period: 30 };
      },
      unsupported: [
        'the fast SMA (fast.value, period 30) must be shorter than the slow SMA (slow.value, period 30)',
      ],
    },
    {
      name: 'a component outside the shape and a missing sell branch',
      change: (w) => {
        w.nodes = w.nodes.filter((n) => n.id !== 'sell');
        w.edges = w.edges.filter((e) => e.to.node !== 'sell');
        w.nodes.push({ id: 'r', component: 'rsi', config: { period: 14 } });
        w.edges.push({ from: { node: 'md', port: 'close' }, to: { node: 'r', port: 'source' } });
      },
      unsupported: [
        'component rsi (r) is not part of the sma-crossover shape',
        'the sma-crossover shape needs exactly 1 sell node(s), found 0',
      ],
    },
    {
      name: 'the conditions compare the SMAs in opposite orders',
      change: (w) => {
        w.edges[4]!.from.node = 'slow';
        w.edges[5]!.from.node = 'fast';
      },
      unsupported: [
        'crosses-below down must compare the same SMAs as up, in the same order (a: fast.value, b: slow.value)',
      ],
    },
    {
      name: 'buy and sell swapped',
      change: (w) => {
        w.edges[6]!.from.node = 'down';
        w.edges[7]!.from.node = 'up';
      },
      unsupported: [
        'buy buy must be triggered by up.signal',
        'sell sell must be triggered by down.signal',
      ],
    },
    {
      name: 'a max-position of zero',
      change: (w) => {
        node(w, 'cap').config = { quantity: '0.000' };
      },
      unsupported: ['max-position cap quantity must be greater than 0'],
    },
  ])('refused as not compilable: $name', ({ change, unsupported }) => {
    expect(after(change)).toEqual({ ok: false, unsupported });
  });
});
