/**
 * Every elementary cycle that a depth-first search meets through a back edge, each as node
 * ids in edge order, rotated to start at the node that comes first in `nodes`. An acyclic
 * graph yields none; a graph with a cycle yields at least one. Deterministic: nodes and
 * edges are visited in the order given. Iterative, so deep graphs cannot overflow the stack.
 */
export function findCycles(
  nodes: readonly string[],
  edges: readonly { readonly from: string; readonly to: string }[],
): string[][] {
  const order = new Map(nodes.map((n, i) => [n, i] as const));
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) {
    if (order.has(e.from) && order.has(e.to)) next.get(e.from)!.push(e.to);
  }
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const root of nodes) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const cursor: number[] = [0];
    state.set(root, 'open');
    while (path.length > 0) {
      const node = path.at(-1)!;
      const targets = next.get(node)!;
      const i = cursor[cursor.length - 1]!;
      if (i >= targets.length) {
        state.set(node, 'done');
        path.pop();
        cursor.pop();
        continue;
      }
      cursor[cursor.length - 1] = i + 1;
      const target = targets[i]!;
      const s = state.get(target);
      if (s === 'open') {
        const cycle = rotate(path.slice(path.indexOf(target)), order);
        const key = cycle.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) {
        state.set(target, 'open');
        path.push(target);
        cursor.push(0);
      }
    }
  }
  return cycles;
}

function rotate(cycle: string[], order: ReadonlyMap<string, number>): string[] {
  let start = 0;
  for (let i = 1; i < cycle.length; i++) {
    if (order.get(cycle[i]!)! < order.get(cycle[start]!)!) start = i;
  }
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
