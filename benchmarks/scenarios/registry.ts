import { gateway } from './gateway.js';
import { order } from './order.js';
import { ordersRead } from './orders-read.js';
import { read } from './read.js';
import type { Scenario } from './scenario.js';

export const SCENARIO_IDS = ['gateway', 'read', 'order', 'orders-read'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** Every scenario by id; the type forces exactly one entry per id, and ids equal keys (tested). */
export const scenarios: { readonly [K in ScenarioId]: Scenario & { readonly id: K } } = {
  gateway,
  read,
  order,
  'orders-read': ordersRead,
};

export function isScenarioId(id: string): id is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(id);
}
