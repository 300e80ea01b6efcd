import type { ServiceName } from '../../../services/catalog.js';
import { UserError } from '../errors.js';
import { isAlive } from '../runtime/local/liveness.js';
import type { HomePaths } from '../runtime/local/paths.js';
import { classifyState, readState, serviceUrl } from '../runtime/local/state.js';
import {
  progressLine,
  runEntries,
  tally,
  type EntryResult,
  type EntryStatus,
} from '../suite/run-entries.js';
import { createContext, loadPlatformKeys } from './context.js';
import { closeAgents } from './http.js';
import { isGap, type Area, type E2eEntry, type E2eTest } from './suite.js';

export type TestStatus = EntryStatus;

export interface E2eTestResult extends EntryResult {
  area: Area;
}

export interface E2eResult {
  command: string;
  gateway: string;
  startedAt: string;
  durationMs: number;
  /** The suite's size (SUITES.md: 67) and what became of each test. */
  counts: Record<TestStatus, number> & { total: number; selected: number };
  /** Every selected test that was built passed (and the run was not interrupted). */
  passed: boolean;
  interrupted: { signal: string } | null;
  tests: E2eTestResult[];
}

export interface E2eOptions {
  paths: HomePaths;
  suite: readonly E2eEntry[];
  command: string;
  /** Only these areas (all when empty). */
  areas?: readonly Area[];
  /** Only tests whose id or title contains this (case-insensitive). */
  grep?: string;
  /** Run the tests that stop and start services (default true). */
  disruptive?: boolean;
  /** Per-test budget. */
  timeoutMs?: number;
  /** How many non-disruptive tests run at once. */
  concurrency?: number;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export const DEFAULT_TEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONCURRENCY = 4;

/** The running platform's gateway and service URLs, or exit 3 with how to start one. */
async function platformUrls(
  paths: HomePaths,
): Promise<{ gateway: string; directUrl: (s: ServiceName) => string }> {
  const state = await readState(paths.state);
  if (state === undefined || state === 'corrupt' || classifyState(state, isAlive) === 'stale') {
    throw new UserError('ALP_E2E_PLATFORM_NOT_RUNNING', `no running platform in ${paths.home}`, {
      suggestions: [
        'start it: alphintra up --detach',
        'or point ALPHINTRA_HOME at the home of a running platform',
      ],
    });
  }
  const urlOf = (service: ServiceName): string => {
    const url = serviceUrl(state, service, isAlive, true);
    if (!url) throw new Error(`${service} has no instance in state.json`);
    return url;
  };
  return { gateway: urlOf('gateway'), directUrl: urlOf };
}

/** Which entries run: by area and by a case-insensitive substring of id or title. */
export function selectTests(
  suite: readonly E2eEntry[],
  opts: { areas?: readonly Area[]; grep?: string },
): E2eEntry[] {
  const grep = opts.grep?.toLowerCase();
  return suite.filter(
    (e) =>
      (!opts.areas?.length || opts.areas.includes(e.area)) &&
      (!grep || e.id.toLowerCase().includes(grep) || e.title.toLowerCase().includes(grep)),
  );
}

/** Runs the selected tests against the platform in `paths`; the report is the result. */
export async function runE2e(opts: E2eOptions): Promise<E2eResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const progress = opts.progress ?? (() => undefined);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const startedAt = new Date();
  const { gateway, directUrl } = await platformUrls(opts.paths);
  const keys = await loadPlatformKeys(opts.paths);
  const deps = { gateway, directUrl, paths: opts.paths, keys };
  const selected = selectTests(opts.suite, opts);
  const results = new Map<string, E2eTestResult>();
  const areaOf = new Map(opts.suite.map((e) => [e.id, e.area]));
  const indexOf = new Map(opts.suite.map((e, i) => [e.id, i]));

  const runnable: E2eTest[] = [];
  for (const e of selected) {
    const base = { id: e.id, area: e.area, title: e.title, ms: 0, notes: [] };
    if (isGap(e)) results.set(e.id, { ...base, status: 'not-built', reason: e.missing });
    else if (e.disruptive && opts.disruptive === false)
      results.set(e.id, { ...base, status: 'skipped', reason: '--no-disruptive' });
    else runnable.push(e);
  }
  // Tests that leave the platform whole run side by side; those that change it for everyone,
  // or watch one request's path, run alone.
  await runEntries(
    runnable.map((t) => ({ ...t, alone: t.alone === true || t.disruptive === true })),
    {
      makeContext: (_t, env) => createContext({ ...deps, ...env }),
      indexOf: (t) => indexOf.get(t.id) ?? 0,
      timeoutMs,
      concurrency,
      signal,
      record: (r) => {
        results.set(r.id, { ...r, area: areaOf.get(r.id)! });
        progress(progressLine(r));
      },
    },
  );
  await closeAgents();

  const tests = selected.map(
    (e) =>
      results.get(e.id) ?? {
        id: e.id,
        area: e.area,
        title: e.title,
        status: 'skipped' as const,
        ms: 0,
        reason: 'interrupted before it ran',
        notes: [],
      },
  );
  const counts = tally(tests, opts.suite.length);
  const interrupted = signal.aborted ? { signal: String(signal.reason ?? 'SIGINT') } : null;
  return {
    command: opts.command,
    gateway,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    counts,
    passed: counts.failed === 0 && interrupted === null,
    interrupted,
    tests,
  };
}
