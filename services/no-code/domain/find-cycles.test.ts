import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findCycles } from './find-cycles.js';

const e = (from: string, to: string) => ({ from, to });

describe('findCycles', () => {
  test.each([
    { name: 'empty graph', nodes: [], edges: [], cycles: [] },
    { name: 'a chain', nodes: ['a', 'b', 'c'], edges: [e('a', 'b'), e('b', 'c')], cycles: [] },
    {
      name: 'a diamond (two paths, no cycle)',
      nodes: ['a', 'b', 'c', 'd'],
      edges: [e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd')],
      cycles: [],
    },
    { name: 'a self-loop', nodes: ['a'], edges: [e('a', 'a')], cycles: [['a']] },
    {
      name: 'a three-cycle entered in the middle, reported from the first-declared node',
      nodes: ['x', 'b', 'c', 'a'],
      edges: [e('b', 'c'), e('c', 'a'), e('a', 'x'), e('x', 'b')],
      cycles: [['x', 'b', 'c', 'a']],
    },
    {
      name: 'two separate cycles',
      nodes: ['a', 'b', 'c', 'd'],
      edges: [e('a', 'b'), e('b', 'a'), e('c', 'd'), e('d', 'c')],
      cycles: [
        ['a', 'b'],
        ['c', 'd'],
      ],
    },
    {
      name: 'edges to undeclared nodes are ignored',
      nodes: ['a'],
      edges: [e('a', 'ghost'), e('ghost', 'a')],
      cycles: [],
    },
  ])('$name', ({ nodes, edges, cycles }) => {
    expect(findCycles(nodes, edges)).toEqual(cycles);
  });

  test('a 20 000-node ring is handled without overflowing the stack', () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) => `n${i}`);
    const edges = nodes.slice(1).map((n, i) => e(nodes[i]!, n));
    expect(findCycles(nodes, [...edges, e('n19999', 'n0')])).toEqual([nodes]);
  });

  // A random DAG: edges only from a lower to a higher index of a random topological order.
  const dag = fc.integer({ min: 2, max: 30 }).chain((n) =>
    fc.record({
      order: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => `n${i}`),
        { minLength: n, maxLength: n },
      ),
      pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 80 }),
    }),
  );

  test('a random DAG has no cycle', () => {
    fc.assert(
      fc.property(dag, ({ order, pairs }) => {
        const edges = pairs.filter(([i, j]) => i < j).map(([i, j]) => e(order[i]!, order[j]!));
        expect(findCycles(order, edges)).toEqual([]);
      }),
    );
  });

  test('adding a back edge along a path creates a cycle that lies on that path', () => {
    fc.assert(
      fc.property(dag, fc.nat(), fc.nat(), ({ order, pairs }, x, y) => {
        const edges = pairs.filter(([i, j]) => i < j).map(([i, j]) => e(order[i]!, order[j]!));
        // A forward path i -> ... -> j through consecutive nodes, then the back edge j -> i.
        const i = x % (order.length - 1);
        const j = i + 1 + (y % (order.length - 1 - i));
        const path = order.slice(i, j + 1);
        const withPath = [...edges, ...path.slice(1).map((n, k) => e(path[k]!, n))];
        const cycles = findCycles(order, [...withPath, e(order[j]!, order[i]!)]);
        expect(cycles.length).toBeGreaterThan(0);
        const has = new Set(
          withPath.map((p) => `${p.from}>${p.to}`).concat(`${order[j]}>${order[i]}`),
        );
        for (const cycle of cycles) {
          // Every consecutive pair of a reported cycle (wrapping around) is a real edge.
          cycle.forEach((n, k) => {
            expect(has.has(`${n}>${cycle[(k + 1) % cycle.length]}`)).toBe(true);
          });
        }
      }),
    );
  });
});
