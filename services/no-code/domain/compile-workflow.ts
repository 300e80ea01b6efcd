import { Decimal } from 'decimal.js';
import type { Finding } from './finding.js';
import { validateWorkflow, type ResolvedEdge, type ResolvedNode } from './validate-workflow.js';
import type { Workflow } from './workflow.js';

/** What the strategy service accepts at POST /api/v1/strategies/validate. */
export interface StrategyDefinition {
  readonly type: 'sma-crossover';
  readonly parameters: {
    readonly symbol: string;
    readonly maxPosition?: string;
    readonly timeframe: string;
    readonly fast: number;
    readonly slow: number;
  };
}

export type Compilation =
  | { readonly ok: true; readonly strategy: StrategyDefinition }
  | { readonly ok: false; readonly findings: readonly Finding[] }
  | { readonly ok: false; readonly unsupported: readonly string[] };

const SHAPE: Readonly<Record<string, readonly [min: number, max: number]>> = {
  'market-data': [1, 1],
  sma: [2, 2],
  'crosses-above': [1, 1],
  'crosses-below': [1, 1],
  buy: [1, 1],
  sell: [1, 1],
  'max-position': [0, 1],
};

/** The one workflow shape that compiles so far, in words (shown to clients when refused). */
export const SMA_CROSSOVER_SHAPE =
  'market-data -> two SMAs; crosses-above(a: fast SMA, b: slow SMA) -> buy; crosses-below(a: fast SMA, b: slow SMA) -> sell; optionally one max-position';

/**
 * Compiles a workflow into a strategy definition. Only the sma-crossover shape is known
 * so far; a valid workflow of any other shape is refused with every reason listed, never
 * compiled into something that behaves differently from what was drawn.
 */
export function compileWorkflow(workflow: Workflow): Compilation {
  const checked = validateWorkflow(workflow);
  if (!checked.valid) return { ok: false, findings: checked.findings };
  const nodes = [...checked.nodes.values()];
  const problems: string[] = [];

  const byComponent = new Map<string, ResolvedNode[]>();
  for (const n of nodes) {
    byComponent.set(n.component.id, [...(byComponent.get(n.component.id) ?? []), n]);
  }
  for (const [id, list] of byComponent) {
    if (!(id in SHAPE)) {
      problems.push(
        `component ${id} (${list.map((n) => n.id).join(', ')}) is not part of the sma-crossover shape`,
      );
    }
  }
  for (const [id, [min, max]] of Object.entries(SHAPE)) {
    const count = byComponent.get(id)?.length ?? 0;
    if (count < min || count > max) {
      const want = min === max ? `exactly ${min}` : `${min} to ${max}`;
      problems.push(`the sma-crossover shape needs ${want} ${id} node(s), found ${count}`);
    }
  }
  if (problems.length > 0) return unsupported(problems);

  const one = (id: string) => byComponent.get(id)![0]!;
  const market = one('market-data');
  const above = one('crosses-above');
  const below = one('crosses-below');
  const feeder = (node: ResolvedNode, port: string) => feederOf(checked.edges, node.id, port);

  for (const sma of byComponent.get('sma')!) {
    if (feeder(sma, 'source') !== `${market.id}.close`) {
      problems.push(`SMA ${sma.id} must be computed over ${market.id}.close`);
    }
  }
  const fast = feeder(above, 'a');
  const slow = feeder(above, 'b');
  const smaIds = new Set(byComponent.get('sma')!.map((n) => `${n.id}.value`));
  if (!fast || !slow || !smaIds.has(fast) || !smaIds.has(slow) || fast === slow) {
    problems.push(`crosses-above ${above.id} must compare the two SMAs (a: fast, b: slow)`);
  }
  if (feeder(below, 'a') !== fast || feeder(below, 'b') !== slow) {
    problems.push(
      `crosses-below ${below.id} must compare the same SMAs as ${above.id}, in the same order (a: ${fast ?? '?'}, b: ${slow ?? '?'})`,
    );
  }
  if (feeder(one('buy'), 'trigger') !== `${above.id}.signal`) {
    problems.push(`buy ${one('buy').id} must be triggered by ${above.id}.signal`);
  }
  if (feeder(one('sell'), 'trigger') !== `${below.id}.signal`) {
    problems.push(`sell ${one('sell').id} must be triggered by ${below.id}.signal`);
  }
  if (problems.length > 0) return unsupported(problems);

  const periodOf = (portRef: string) =>
    checked.nodes.get(portRef.slice(0, portRef.lastIndexOf('.')))!.config['period'] as number;
  const fastPeriod = periodOf(fast!);
  const slowPeriod = periodOf(slow!);
  if (fastPeriod >= slowPeriod) {
    return unsupported([
      `the fast SMA (${fast}, period ${fastPeriod}) must be shorter than the slow SMA (${slow}, period ${slowPeriod})`,
    ]);
  }
  const cap = byComponent.get('max-position')?.[0];
  const quantity = cap?.config['quantity'] as string | undefined;
  if (quantity !== undefined && new Decimal(quantity).lte(0)) {
    return unsupported([`max-position ${cap!.id} quantity must be greater than 0`]);
  }
  return {
    ok: true,
    strategy: {
      type: 'sma-crossover',
      parameters: {
        symbol: market.config['symbol'] as string,
        ...(quantity !== undefined ? { maxPosition: new Decimal(quantity).toFixed() } : {}),
        timeframe: market.config['timeframe'] as string,
        fast: fastPeriod,
        slow: slowPeriod,
      },
    },
  };
}

function feederOf(edges: readonly ResolvedEdge[], node: string, port: string): string | undefined {
  const edge = edges.find((e) => e.to.node === node && e.to.port === port);
  return edge ? `${edge.from.node}.${edge.from.port}` : undefined;
}

function unsupported(problems: string[]): Compilation {
  return { ok: false, unsupported: problems };
}
