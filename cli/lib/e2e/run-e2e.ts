import { AssertionError } from 'node:assert';
import { randomInt } from 'node:crypto';
import { inspect } from 'node:util';
import type { ServiceName } from '../../../services/catalog.js';
import { UserError } from '../errors.js';
import { LOCAL_HOST } from '../runtime/local/env-context.js';
import { isAlive } from '../runtime/local/liveness.js';
import type { HomePaths } from '../runtime/local/paths.js';
import { classifyState, readState } from '../runtime/local/state.js';
import { untilAborted } from '../signals.js';
import { createContext, loadPlatformKeys, type PlatformKeys } from './context.js';
import { closeAgents } from './http.js';
import { isGap, type Area, type E2eEntry, type E2eTest } from './suite.js';

export type TestStatus = 'passed' | 'failed' | 'not-built' | 'skipped';

export interface E2eTestResult {
  id: string;
  area: Area;
  title: string;
  status: TestStatus;
  /** Wall time of the test, in milliseconds (0 when it did not run). */
  ms: number;
  /** Why it failed, why it was skipped, or what is not built. */
  reason: string | null;
  /** What the test recorded while it ran. */
  notes: string[];
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
    const live = state.instances.find((i) => i.service === service && isAlive(i.pid));
    const any = live ?? state.instances.find((i) => i.service === service);
    if (!any) throw new Error(`${service} has no instance in state.json`);
    return `http://${LOCAL_HOST}:${any.port}`;
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

/**
 * A client address of its own for each test, in 127.0.0.0/8: the gateway's per-IP limits
 * (anonymous rate limit, login throttling) then never carry over from one test, or one run,
 * to the next. The second octet is drawn per run.
 */
export function clientAddress(runOctet: number, index: number): string {
  return `127.${runOctet}.${Math.floor(index / 250)}.${1 + (index % 250)}`;
}

/**
 * A failure in one line: the assertion's own words (its first line; node's diff left out) with
 * what was expected and what came, or the error's message and cause.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof AssertionError) {
    const said = err.message.split('\n')[0]!.trim();
    if (err.operator === 'fail' || err.operator === 'includes' || err.operator === undefined)
      return said;
    const shown = (v: unknown) => inspect(v, { breakLength: Infinity, depth: 3 });
    return `${said} (expected ${shown(err.expected)}, got ${shown(err.actual)})`;
  }
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/** Runs one test under its deadline; never throws. */
async function runOne(
  test: E2eTest,
  deps: {
    gateway: string;
    directUrl: (s: ServiceName) => string;
    paths: HomePaths;
    keys: PlatformKeys;
  },
  from: string,
  timeoutMs: number,
  runSignal: AbortSignal,
): Promise<E2eTestResult> {
  const notes: string[] = [];
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([deadline, runSignal]);
  const ctx = createContext({ ...deps, from, signal, notes });
  const started = performance.now();
  const base = { id: test.id, area: test.area, title: test.title, notes };
  try {
    await Promise.race([
      test.run(ctx),
      untilAborted(signal).then(() => {
        throw new Error(
          deadline.aborted ? `no result within ${timeoutMs / 1000} s` : 'interrupted',
        );
      }),
    ]);
    return { ...base, status: 'passed', ms: performance.now() - started, reason: null };
  } catch (err) {
    return {
      ...base,
      status: 'failed',
      ms: performance.now() - started,
      reason: describeFailure(err),
    };
  }
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
  const runOctet = randomInt(2, 255);

  const runnable: E2eTest[] = [];
  for (const e of selected) {
    const base = { id: e.id, area: e.area, title: e.title, ms: 0, notes: [] };
    if (isGap(e)) results.set(e.id, { ...base, status: 'not-built', reason: e.missing });
    else if (e.disruptive && opts.disruptive === false)
      results.set(e.id, { ...base, status: 'skipped', reason: '--no-disruptive' });
    else runnable.push(e);
  }
  const record = (r: E2eTestResult) => {
    results.set(r.id, r);
    const mark = r.status === 'passed' ? 'ok  ' : 'FAIL';
    progress(
      `${mark} ${r.id} ${r.title} (${Math.round(r.ms)} ms)${r.reason ? `: ${r.reason}` : ''}`,
    );
  };
  const indexOf = new Map(opts.suite.map((e, i) => [e.id, i]));
  const budget = (t: E2eTest) => Math.max(t.timeoutMs ?? 0, timeoutMs);
  const address = (t: E2eTest) => clientAddress(runOctet, indexOf.get(t.id) ?? 0);

  // Tests that leave the platform whole run side by side; those that stop a service, or watch
  // one request's path, run alone.
  const runsAlone = (t: E2eTest) => t.disruptive === true || t.alone === true;
  const shared = runnable.filter((t) => !runsAlone(t));
  const alone = runnable.filter(runsAlone);
  let next = 0;
  const worker = async () => {
    while (next < shared.length && !signal.aborted) {
      const t = shared[next++]!;
      record(await runOne(t, deps, address(t), budget(t), signal));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, shared.length) }, worker));
  for (const t of alone) {
    if (signal.aborted) break;
    record(await runOne(t, deps, address(t), budget(t), signal));
  }
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
  const count = (s: TestStatus) => tests.filter((t) => t.status === s).length;
  const counts = {
    total: opts.suite.length,
    selected: tests.length,
    passed: count('passed'),
    failed: count('failed'),
    'not-built': count('not-built'),
    skipped: count('skipped'),
  };
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
