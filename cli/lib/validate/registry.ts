import type { CheckEntry } from './checks.js';
import { contract } from './checks/contract.js';
import { live } from './checks/live.js';
import { network } from './checks/network.js';
import { observability } from './checks/observability.js';
import { workload } from './checks/workload.js';

/** The whole suite in SUITES.md's order: 45 entries, V001-V045. */
export const CHECKS: readonly CheckEntry[] = [
  ...contract,
  ...workload,
  ...network,
  ...observability,
  ...live,
];
