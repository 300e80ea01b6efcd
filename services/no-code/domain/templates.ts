import { Type, type TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MarketSymbol, Period, Quantity, Timeframe } from './component-catalog.js';
import { configProblems } from './config-problems.js';
import { smaCrossoverWorkflow, type SmaCrossoverSettings } from './sma-crossover-example.js';
import type { Workflow } from './workflow.js';

/** A ready-made workflow with a few parameters a client fills in. */
export interface Template {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: TObject;
  /** Cross-field problems the schema cannot express (on schema-valid parameters). */
  readonly refine: (p: Record<string, unknown>) => { path: string; message: string }[];
  readonly build: (p: Record<string, unknown>) => Workflow;
}

export const TEMPLATES: readonly Template[] = [
  {
    id: 'sma-crossover',
    title: 'SMA crossover',
    description:
      'Buys when the fast simple moving average crosses above the slow one and sells when it crosses below.',
    parameters: Type.Object(
      {
        symbol: MarketSymbol,
        timeframe: Timeframe,
        fast: Period(1),
        slow: Period(2),
        maxPosition: Type.Optional(Quantity),
      },
      { additionalProperties: false },
    ),
    refine: (p) =>
      (p['fast'] as number) >= (p['slow'] as number)
        ? [
            {
              path: '/fast',
              message: `Expected fast (${String(p['fast'])}) to be less than slow (${String(p['slow'])})`,
            },
          ]
        : [],
    build: (p) => smaCrossoverWorkflow(p as unknown as SmaCrossoverSettings),
  },
];

export type Instantiation =
  | { readonly ok: true; readonly workflow: Workflow }
  | { readonly ok: false; readonly problems: { path: string; message: string }[] };

/** The template's workflow for `parameters` (defaults filled), or every parameter problem. */
export function instantiateTemplate(template: Template, parameters: unknown): Instantiation {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    return { ok: false, problems: [{ path: '/', message: 'Expected an object' }] };
  }
  const filled = Value.Default(template.parameters, structuredClone(parameters)) as Record<
    string,
    unknown
  >;
  const problems = configProblems(template.parameters, filled);
  if (problems.length === 0) problems.push(...template.refine(filled));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, workflow: template.build(filled) };
}
