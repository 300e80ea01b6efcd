import type { TObject } from '@sinclair/typebox';

/**
 * What flows along an edge: `series` is a numeric time series (prices, indicator values),
 * `signal` is a boolean event per candle (a condition that fired). An edge may only join
 * an output and an input of the same type.
 */
export type PortType = 'series' | 'signal';

export interface InputPort {
  readonly name: string;
  readonly type: PortType;
  readonly required: boolean;
  readonly description: string;
}

export interface OutputPort {
  readonly name: string;
  readonly type: PortType;
  readonly description: string;
}

export type ComponentCategory = 'source' | 'indicator' | 'condition' | 'action' | 'risk';

/** One building block of a workflow: its settings (a TypeBox schema) and its ports. */
export interface Component<Id extends string = string> {
  readonly id: Id;
  readonly category: ComponentCategory;
  readonly title: string;
  readonly description: string;
  readonly config: TObject;
  readonly inputs: readonly InputPort[];
  readonly outputs: readonly OutputPort[];
}
