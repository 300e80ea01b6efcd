import type { ServiceName } from '../../../services/catalog.js';
import { loadPlatformKeys, type PlatformKeys } from '../e2e/context.js';
import { closeAgents, http } from '../e2e/http.js';
import { UserError } from '../errors.js';
import { isAlive } from '../runtime/local/liveness.js';
import type { HomePaths } from '../runtime/local/paths.js';
import { loadManifests, manifestsDir } from '../manifests/files.js';
import type { Located } from '../manifests/kube.js';
import { classifyState, instanceUrl, readState, serviceUrl } from '../runtime/local/state.js';
import {
  progressLine,
  runEntries,
  skip,
  tally,
  type EntryResult,
  type EntryStatus,
  type RunEnv,
} from '../suite/run-entries.js';
import {
  isGap,
  KUBERNETES_ONLY,
  NO_PLATFORM,
  type Check,
  type CheckEntry,
  type LivePlatform,
  type Phase,
  type ValidateContext,
} from './checks.js';

export type CheckStatus = EntryStatus;

export interface CheckResult extends EntryResult {
  phase: Phase;
}

export interface ValidateResult {
  command: string;
  target: 'local';
  /** The platform the live checks ran against, or null (live checks skipped). */
  platform: { home: string; gateway: string } | null;
  startedAt: string;
  durationMs: number;
  counts: Record<CheckStatus, number> & { total: number; selected: number };
  /** No selected check failed (and the run was not interrupted). */
  passed: boolean;
  interrupted: { signal: string } | null;
  checks: CheckResult[];
}

export interface ValidateOptions {
  paths: HomePaths;
  checks: readonly CheckEntry[];
  command: string;
  /** Only these phases (all when empty). */
  phases?: readonly Phase[];
  /** Only checks whose id or title contains this (case-insensitive). */
  grep?: string;
  timeoutMs?: number;
  concurrency?: number;
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Where the static checks read the manifests (default: the repository's manifests/). */
  manifestsDir?: string;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
export const DEFAULT_CONCURRENCY = 4;

/** Which entries run: by phase and by a case-insensitive substring of id or title. */
export function selectChecks(
  checks: readonly CheckEntry[],
  opts: { phases?: readonly Phase[]; grep?: string },
): CheckEntry[] {
  const grep = opts.grep?.toLowerCase();
  return checks.filter(
    (e) =>
      (!opts.phases?.length || opts.phases.includes(e.phase)) &&
      (!grep || e.id.toLowerCase().includes(grep) || e.title.toLowerCase().includes(grep)),
  );
}

/**
 * The running platform in `paths`, or undefined when none runs (live checks then skip).
 * A state.json that cannot be read is a precondition failure: nobody can tell what runs.
 */
export async function findPlatform(paths: HomePaths): Promise<LivePlatform | undefined> {
  const state = await readState(paths.state);
  if (state === 'corrupt') {
    throw new UserError('ALP_VALIDATE_STATE_CORRUPT', `${paths.state} cannot be read`, {
      suggestions: ['alphintra down --purge, then alphintra up --detach'],
    });
  }
  if (state === undefined || classifyState(state, isAlive) !== 'running') return undefined;
  const directUrl = (service: ServiceName) => {
    const url = serviceUrl(state, service, isAlive, true);
    if (!url) throw new Error(`${service} has no instance in state.json`);
    return url;
  };
  if (!state.instances.some((i) => i.service === 'gateway')) return undefined;
  let keys: Promise<PlatformKeys> | undefined;
  return {
    state,
    paths,
    instances: state.instances,
    gateway: directUrl('gateway'),
    urlOf: instanceUrl,
    directUrl,
    keys: () => (keys ??= loadPlatformKeys(paths)),
  };
}

/** A check's context: its deadline, address and notes, and the platform when one runs. */
function contextOf(
  deps: {
    paths: HomePaths;
    platform: LivePlatform | undefined;
    manifests: () => Promise<readonly Located[]>;
  },
  { signal, from, notes }: RunEnv,
): ValidateContext {
  const ctx: ValidateContext = {
    target: 'local',
    paths: deps.paths,
    signal,
    from,
    live: () => deps.platform ?? skip(NO_PLATFORM),
    call: (method, urlPath, opts = {}) =>
      http(method, `${ctx.live().gateway}${urlPath}`, { from, signal, ...opts }),
    fetch: (method, url, opts = {}) => http(method, url, { from, signal, ...opts }),
    note: (line) => notes.push(line),
    manifests: deps.manifests,
  };
  return ctx;
}

/** Runs the selected checks; live ones against the platform in `paths` when one runs. */
export async function runValidate(opts: ValidateOptions): Promise<ValidateResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const progress = opts.progress ?? (() => undefined);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const startedAt = new Date();
  const selected = selectChecks(opts.checks, opts);
  const needsPlatform = selected.some((e) => !isGap(e) && e.phase === 'L');
  const platform = needsPlatform ? await findPlatform(opts.paths) : undefined;
  let manifests: Promise<readonly Located[]> | undefined;
  const deps = {
    paths: opts.paths,
    platform,
    manifests: () => (manifests ??= loadManifests(opts.manifestsDir ?? manifestsDir())),
  };
  const results = new Map<string, CheckResult>();
  const phaseOf = new Map(opts.checks.map((e) => [e.id, e.phase]));
  const indexOf = new Map(opts.checks.map((e, i) => [e.id, i]));

  const runnable: Check[] = [];
  for (const e of selected) {
    const base = { id: e.id, phase: e.phase, title: e.title, ms: 0, notes: [] };
    if (isGap(e)) results.set(e.id, { ...base, status: 'not-built', reason: e.missing });
    else if (e.phase === 'K')
      results.set(e.id, { ...base, status: 'skipped', reason: KUBERNETES_ONLY });
    else runnable.push(e);
  }
  await runEntries(runnable, {
    makeContext: (_c, env) => contextOf(deps, env),
    indexOf: (c) => indexOf.get(c.id) ?? 0,
    timeoutMs,
    concurrency,
    signal,
    record: (r) => {
      results.set(r.id, { ...r, phase: phaseOf.get(r.id)! });
      progress(progressLine(r));
    },
  });
  await closeAgents();

  const checks = selected.map(
    (e) =>
      results.get(e.id) ?? {
        id: e.id,
        phase: e.phase,
        title: e.title,
        status: 'skipped' as const,
        ms: 0,
        reason: 'interrupted before it ran',
        notes: [],
      },
  );
  const counts = tally(checks, opts.checks.length);
  const interrupted = signal.aborted ? { signal: String(signal.reason ?? 'SIGINT') } : null;
  return {
    command: opts.command,
    target: 'local',
    platform: platform ? { home: opts.paths.home, gateway: platform.gateway } : null,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    counts,
    passed: counts.failed === 0 && interrupted === null,
    interrupted,
    checks,
  };
}
