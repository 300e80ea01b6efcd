import type { E2eContext } from './context.js';

/**
 * The end-to-end suite's vocabulary. SUITES.md lists 67 tests in 13 areas; each test has a
 * stable id (E01-E67, in SUITES.md's order) and runs against the running platform through the
 * gateway as a real client, with its own users.
 */

export const AREAS = [
  'edge',
  'auth',
  'token-attacks',
  'users',
  'market',
  'trading',
  'risk',
  'strategy',
  'no-code',
  'notifications',
  'graphql',
  'resilience',
  'observability',
] as const;
export type Area = (typeof AREAS)[number];

export interface E2eTest {
  /** Stable id, E01-E67. */
  readonly id: string;
  readonly area: Area;
  /** The truth it checks, as a sentence. */
  readonly title: string;
  /**
   * Changes the platform for everyone while it runs (stops or kills a service, turns the
   * global kill switch on): excluded by `--no-disruptive`, and never run next to other tests.
   */
  readonly disruptive?: boolean;
  /**
   * Must not share the platform with other tests while it runs (what it observes, e.g. one
   * request's hops in the logs, would mix with theirs): runs alone, after the others.
   */
  readonly alone?: boolean;
  /** Its own budget in ms, when it must outlast the platform's own waits (leases, breakers). */
  readonly timeoutMs?: number;
  readonly run: (t: E2eContext) => Promise<void>;
}

/**
 * A test SUITES.md asks for whose feature the platform does not have yet: listed, never run,
 * reported as not built (so the count of what was checked is never inflated).
 */
export interface E2eGap {
  readonly id: string;
  readonly area: Area;
  readonly title: string;
  /** What is missing in the platform. */
  readonly missing: string;
}

export type E2eEntry = E2eTest | E2eGap;

export const isGap = (e: E2eEntry): e is E2eGap => 'missing' in e;

/** An area's entries, with their area filled in. */
export function area(
  name: Area,
  entries: readonly (Omit<E2eTest, 'area'> | Omit<E2eGap, 'area'>)[],
): E2eEntry[] {
  return entries.map((e) => ({ ...e, area: name }) as E2eEntry);
}
