import { AssertionError } from 'node:assert';
import type { ServiceName } from '../../../services/catalog.js';
import type { PlatformKeys } from '../e2e/context.js';
import type { HttpMethod, HttpOptions, HttpResult } from '../e2e/http.js';
import type { HomePaths } from '../runtime/local/paths.js';
import type { Located } from '../manifests/kube.js';
import type { InstanceState, RuntimeState } from '../runtime/local/state.js';

/**
 * The validation suite's vocabulary. SUITES.md lists 45 checks (V001-V045) in three phases:
 * S static (the catalog, the config schemas, the runtime's env builder, the manifests: runs
 * anywhere, no platform), L live (against the running platform), K Kubernetes only.
 */

export const PHASES = ['S', 'L', 'K'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_NAMES: Record<Phase, string> = {
  S: 'static',
  L: 'live',
  K: 'kubernetes',
};

export interface Check {
  /** Stable id, V001-V045. */
  readonly id: string;
  readonly phase: Phase;
  /** The truth it checks, as a sentence (says what part is covered when only a part is). */
  readonly title: string;
  /** Must not share the platform with other checks while it runs (it reads what one request logged). */
  readonly alone?: boolean;
  /** Its own budget in ms, when the default is too short. */
  readonly timeoutMs?: number;
  /** Throws (an AssertionError saying what it saw) to fail, `skip(reason)` to skip. */
  readonly run: (ctx: ValidateContext) => Promise<void>;
}

/**
 * A check SUITES.md asks for whose subject does not exist yet (no manifests are rendered, no
 * mesh, no dashboards): listed, never run, reported as not built with what is missing.
 */
export interface CheckGap {
  readonly id: string;
  readonly phase: Phase;
  readonly title: string;
  readonly missing: string;
}

export type CheckEntry = Check | CheckGap;

export const isGap = (e: CheckEntry): e is CheckGap => 'missing' in e;

/** A check that cannot run here ends skipped, with the reason (shared with the e2e suite). */
export { Skip, skip } from '../suite/run-entries.js';

export const NO_PLATFORM = 'no running platform: alphintra up --detach';
export const KUBERNETES_ONLY = 'kubernetes only (local target)';

/** The running local platform, as live checks see it. */
export interface LivePlatform {
  readonly state: RuntimeState;
  readonly paths: HomePaths;
  /** Every instance recorded in state.json. */
  readonly instances: readonly InstanceState[];
  /** Gateway base URL (first instance). */
  readonly gateway: string;
  /** Base URL of an instance. */
  urlOf(instance: InstanceState): string;
  /** Base URL of a service's first live instance. */
  directUrl(service: ServiceName): string;
  /** The platform's signing key (ALPHINTRA_HOME/keys). */
  keys(): Promise<PlatformKeys>;
}

export interface ValidateContext {
  /** Where the platform runs (only `local` exists so far). */
  readonly target: 'local';
  readonly paths: HomePaths;
  /** Aborted when the check's deadline passes or the run is interrupted. */
  readonly signal: AbortSignal;
  /** This check's own client address in 127.0.0.0/8 (per-IP limits never carry over). */
  readonly from: string;
  /** The running platform, or skip with NO_PLATFORM. */
  live(): LivePlatform;
  /** A request through the gateway from this check's address. */
  call(method: HttpMethod, urlPath: string, opts?: HttpOptions): Promise<HttpResult>;
  /** A request to a base URL (a service instance) from this check's address. */
  fetch(method: HttpMethod, url: string, opts?: HttpOptions): Promise<HttpResult>;
  /** Records a line in the check's report (what it covered, what it saw). */
  note(line: string): void;
  /**
   * The committed Kubernetes manifests (manifests/, every object with its file and line),
   * read once per run; a file that does not parse fails the checks that read it.
   */
  manifests(): Promise<readonly Located[]>;
}

/**
 * A static check over the committed manifests: `rule` lists the problems it finds in them
 * (a pure function a test can feed a broken copy), and the check fails on any.
 */
export function manifestCheck(
  id: string,
  title: string,
  rule: (objects: readonly Located[]) => string[],
): Check {
  return {
    id,
    phase: 'S',
    title,
    async run(ctx) {
      const objects = await ctx.manifests();
      if (objects.length === 0) {
        throw new AssertionError({
          message: 'no manifests under manifests/: render them with alphintra manifests',
          operator: 'fail',
        });
      }
      expectNoProblems(rule(objects), title.split(/[:;(]/)[0]!.trim());
      const files = new Set(objects.map((o) => o.file));
      ctx.note(`${objects.length} objects in ${files.size} files under manifests/`);
    },
  };
}

/**
 * Fails the check when `problems` is not empty, with every problem in the message (one check
 * reports everything it found, not only the first).
 */
export function expectNoProblems(problems: readonly string[], what: string): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 12).join('; ');
  const more = problems.length > 12 ? ` (and ${problems.length - 12} more)` : '';
  throw new AssertionError({
    message: `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${shown}${more}`,
    operator: 'fail',
  });
}
