import { describe, expect, test } from 'vitest';
import type { Finding } from './finding.js';
import { smaCrossoverExample } from './sma-crossover-example.js';
import { validateWorkflow } from './validate-workflow.js';
import type { Workflow } from './workflow.js';

type Change = (w: Workflow) => void;
const edge = (from: string, to: string) => {
  const [fn, fp] = from.split('.') as [string, string];
  const [tn, tp] = to.split('.') as [string, string];
  return { from: { node: fn, port: fp }, to: { node: tn, port: tp } };
};
const findingsAfter = (change: Change): readonly Finding[] => {
  const w = smaCrossoverExample();
  change(w);
  return validateWorkflow(w).findings;
};

describe('validateWorkflow', () => {
  test('the SMA-crossover example is valid, with every node resolved and defaults filled', () => {
    const w = smaCrossoverExample();
    w.nodes[0]!.config = { symbol: 'AAPL' };
    const result = validateWorkflow(w);
    expect(result.findings).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.nodes.get('md')!.config).toEqual({ symbol: 'AAPL', timeframe: '1d' });
    expect(result.edges).toHaveLength(8);
  });

  test('an empty workflow is valid (nothing is wrong with it; it just does nothing)', () => {
    expect(validateWorkflow({ nodes: [], edges: [] })).toMatchObject({ valid: true, findings: [] });
  });

  test.each<{ name: string; change: Change; findings: Finding[] }>([
    {
      name: 'unknown component',
      change: (w) => w.nodes.push({ id: 'm', component: 'macd' }),
      findings: [
        {
          kind: 'unknown-component',
          message: 'node "m" uses unknown component "macd"',
          nodes: ['m'],
        },
      ],
    },
    {
      name: 'duplicate node id',
      change: (w) => w.nodes.push({ id: 'buy', component: 'buy' }),
      findings: [
        { kind: 'duplicate-node', message: 'node id "buy" is used more than once', nodes: ['buy'] },
      ],
    },
    {
      name: 'invalid configs: every problem, per path',
      change: (w) => {
        w.nodes[0]!.config = { symbol: 'aapl', timeframe: '2d' };
        w.nodes[1]!.config = { period: 0, smoothing: 2 };
      },
      findings: [
        {
          kind: 'config-invalid',
          message:
            'node "md" (market-data) config /symbol: Expected an upper-case symbol of 1-20 characters (A-Z, 0-9, ".", "-")',
          nodes: ['md'],
          path: '/symbol',
        },
        {
          kind: 'config-invalid',
          message:
            'node "md" (market-data) config /timeframe: Expected one of "1m", "5m", "15m", "1h", "4h", "1d"',
          nodes: ['md'],
          path: '/timeframe',
        },
        {
          kind: 'config-invalid',
          message: 'node "fast" (sma) config /smoothing: Unexpected property',
          nodes: ['fast'],
          path: '/smoothing',
        },
        {
          kind: 'config-invalid',
          message: 'node "fast" (sma) config /period: Expected integer to be greater or equal to 1',
          nodes: ['fast'],
          path: '/period',
        },
      ],
    },
    {
      name: 'missing config of a component that needs one',
      change: (w) => delete w.nodes[2]!.config,
      findings: [
        {
          kind: 'config-invalid',
          message: 'node "slow" (sma) config /period: Expected required property',
          nodes: ['slow'],
          path: '/period',
        },
      ],
    },
    {
      name: 'port type mismatch (a series into a signal input)',
      change: (w) => {
        w.edges[6] = edge('fast.value', 'buy.trigger');
      },
      findings: [
        {
          kind: 'port-type-mismatch',
          message: 'edge 6: output fast.value is series but input buy.trigger expects signal',
          nodes: ['fast', 'buy'],
          edge: 6,
        },
      ],
    },
    {
      name: 'dangling edge (to a node nobody declared)',
      change: (w) => {
        w.edges.push(edge('up.signal', 'ghost.trigger'), edge('nobody.x', 'phantom.y'));
      },
      findings: [
        {
          kind: 'dangling-edge',
          message: 'edge 8 refers to "ghost", which no node declares',
          nodes: ['up', 'ghost'],
          edge: 8,
        },
        {
          kind: 'dangling-edge',
          message: 'edge 9 refers to "nobody" and "phantom", which no node declares',
          nodes: ['nobody', 'phantom'],
          edge: 9,
        },
      ],
    },
    {
      name: 'unknown ports on both ends',
      change: (w) => {
        w.edges.push(edge('fast.out', 'up.c'));
      },
      findings: [
        {
          kind: 'unknown-port',
          message:
            'edge 8: "fast" (sma) has no output "out"; "up" (crosses-above) has no input "c"',
          nodes: ['fast', 'up'],
          edge: 8,
        },
      ],
    },
    {
      name: 'an input fed twice',
      change: (w) => {
        w.edges.push(edge('slow.value', 'up.a'));
      },
      findings: [
        {
          kind: 'input-already-connected',
          message: 'edge 8: input up.a is already fed by edge 2',
          nodes: ['slow', 'up'],
          edge: 8,
        },
      ],
    },
    {
      name: 'missing required inputs',
      change: (w) => {
        w.edges.splice(3, 1); // slow.value -> up.b
        w.edges.splice(6, 1); // down.signal -> sell.trigger (index shifted by one)
      },
      findings: [
        {
          kind: 'missing-required-input',
          message: 'node "up" (crosses-above) needs its input "b" (series) connected',
          nodes: ['up'],
        },
        {
          kind: 'missing-required-input',
          message: 'node "sell" (sell) needs its input "trigger" (signal) connected',
          nodes: ['sell'],
        },
      ],
    },
    {
      name: 'a cycle through three indicators, in cycle order',
      change: (w) => {
        w.nodes.push(
          { id: 'e1', component: 'ema', config: { period: 5 } },
          { id: 'e2', component: 'ema', config: { period: 6 } },
          { id: 'e3', component: 'ema', config: { period: 7 } },
        );
        w.edges.push(edge('e2.value', 'e3.source'), edge('e3.value', 'e1.source'));
        w.edges.push(edge('e1.value', 'e2.source'));
      },
      findings: [
        { kind: 'cycle', message: 'cycle: e1 -> e2 -> e3 -> e1', nodes: ['e1', 'e2', 'e3'] },
      ],
    },
  ])('$name', ({ change, findings }) => {
    expect(findingsAfter(change)).toEqual(findings);
  });

  test('edges of a node with an unknown component are not checked further: one finding, not a cascade', () => {
    const findings = findingsAfter((w) => {
      w.nodes.push({ id: 'm', component: 'macd' });
      w.edges.push(edge('m.histogram', 'up.a'));
    });
    expect(findings.map((f) => f.kind)).toEqual(['unknown-component']);
  });
});
