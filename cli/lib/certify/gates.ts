import type { BenchResult } from '../../../benchmarks/runner/run-bench.js';
import type { E2eResult } from '../e2e/run-e2e.js';
import type { PlatformStatus } from '../runtime/local/status.js';
import type { ValidateResult } from '../validate/run-validate.js';
import type { Gate } from './certificate.js';

/*
 * Each gate of the certificate from one command's result, as pure functions: what the gate
 * found in one line, what blocks a "ready" verdict, and the numbers kept as evidence.
 */

/** Ids in a short list: "E44, E45 and 3 more". */
function ids(list: readonly string[], max = 6): string {
  const shown = list.slice(0, max).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}

export function statusGate(s: PlatformStatus): Gate {
  const notReady = s.services.filter((x) => !x.ready).map((x) => x.name);
  const blockers = !s.running
    ? ['no running platform']
    : notReady.length > 0
      ? [`not ready: ${notReady.join(', ')}`]
      : [];
  return {
    name: 'status',
    passed: blockers.length === 0,
    summary: s.running
      ? `${s.services.length - notReady.length} of ${s.services.length} services ready`
      : 'no running platform',
    blockers,
    evidence: {
      running: s.running,
      allReady: s.allReady,
      services: s.services.map((x) => ({ name: x.name, ready: x.ready })),
      events: s.events ?? null,
    },
  };
}

/** What the e2e and validate runs have in common: a status per entry and counts. */
interface SuiteRun {
  command: string;
  counts: { total: number; passed: number; failed: number; skipped: number; 'not-built': number };
  passed: boolean;
  interrupted: { signal: string } | null;
}
type Entry = { id: string; status: string; reason: string | null };

/**
 * A suite's gate (e2e tests, validate checks): passed when nothing failed; what failed, what
 * is not built and what was skipped (not checked) each block a "ready" verdict.
 */
function suiteGate(name: string, noun: string, run: SuiteRun, entries: readonly Entry[]): Gate {
  const of = (status: string) => entries.filter((e) => e.status === status);
  const [failed, gaps, skipped] = [of('failed'), of('not-built'), of('skipped')];
  const k = run.counts;
  return {
    name,
    passed: run.passed,
    summary: `${k.passed} passed, ${k.failed} failed, ${k['not-built']} not built, ${k.skipped} skipped of ${k.total}`,
    blockers: [
      ...failed.map((e) => `${e.id} failed: ${e.reason ?? ''}`),
      ...(gaps.length > 0
        ? [`${gaps.length} of ${k.total} ${noun} not built (${ids(gaps.map((e) => e.id))})`]
        : []),
      ...(skipped.length > 0
        ? [`${skipped.length} ${noun} skipped (${ids(skipped.map((e) => e.id))})`]
        : []),
      ...(run.interrupted ? [`interrupted by ${run.interrupted.signal}`] : []),
    ],
    evidence: {
      command: run.command,
      counts: run.counts,
      [noun]: entries.map((e) => ({ id: e.id, status: e.status, reason: e.reason })),
    },
  };
}

export const e2eGate = (r: E2eResult): Gate => suiteGate('e2e', 'tests', r, r.tests);
export const validateGate = (r: ValidateResult): Gate =>
  suiteGate('validate', 'checks', r, r.checks);

/**
 * The bench is run on its own, on a platform started with the bench profile (raised rate
 * limits, which the e2e suite's rate-limit test must not see), and its `--json` envelope is
 * given to certify: the SLO gates it reports are the performance evidence.
 */
export function benchGate(envelope: unknown, file: string | undefined): Gate {
  if (file === undefined) {
    return {
      name: 'bench',
      passed: false,
      summary: 'no bench result given',
      blockers: [
        'no bench result: run `alphintra bench --json > bench.json`, then certify --bench-result bench.json',
      ],
      evidence: null,
    };
  }
  const env = envelope as { ok?: unknown; command?: unknown; data?: BenchResult };
  if (env?.ok !== true || env.command !== 'bench' || !Array.isArray(env.data?.scenarios)) {
    return {
      name: 'bench',
      passed: false,
      summary: `${file} is not the --json output of a finished alphintra bench`,
      blockers: [`${file} is not the --json output of a finished alphintra bench`],
      evidence: null,
    };
  }
  const r = env.data;
  const blockers = [
    ...r.breached.map((b) => `SLO breached: ${b}`),
    ...(r.interrupted ? [`interrupted by ${r.interrupted.signal}`] : []),
  ];
  return {
    name: 'bench',
    passed: r.passed,
    summary: `${r.scenarios.length} scenarios (${r.scenarios.map((s) => s.id).join(', ')}), ${r.breached.length} SLOs breached`,
    blockers,
    evidence: {
      file,
      command: r.command,
      startedAt: r.startedAt,
      machine: r.machine,
      scenarios: r.scenarios.map((s) => ({
        id: s.id,
        passed: s.passed,
        slos: s.slos,
      })),
    },
  };
}
