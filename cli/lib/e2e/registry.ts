import type { E2eEntry } from './suite.js';
import { edge } from './areas/edge.js';
import { auth } from './areas/auth.js';
import { tokenAttacks } from './areas/token-attacks.js';
import { users } from './areas/users.js';
import { market } from './areas/market.js';
import { trading } from './areas/trading.js';
import { risk } from './areas/risk.js';
import { strategy } from './areas/strategy.js';
import { noCode } from './areas/no-code.js';
import { notifications } from './areas/notifications.js';
import { graphql } from './areas/graphql.js';
import { resilience } from './areas/resilience.js';
import { observability } from './areas/observability.js';

/** The whole suite in SUITES.md's order: 67 entries, E01-E67. */
export const SUITE: readonly E2eEntry[] = [
  ...edge,
  ...auth,
  ...tokenAttacks,
  ...users,
  ...market,
  ...trading,
  ...risk,
  ...strategy,
  ...noCode,
  ...notifications,
  ...graphql,
  ...resilience,
  ...observability,
];
