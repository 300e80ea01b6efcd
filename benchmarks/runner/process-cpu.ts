import { readdir, readFile } from 'node:fs/promises';
import { MS_PER_TICK, statOf, type ProcStat } from '../../cli/lib/runtime/local/proc-stat.js';
import type { RuntimeState } from '../../cli/lib/runtime/local/state.js';

/** A process whose CPU time a run is charged with, under a name (a service, `postgres`). */
export interface CpuProbe {
  readonly name: string;
  readonly pid: number;
  /**
   * Count its children as well: PostgreSQL runs a process per connection under the
   * postmaster, and the time of children that already exited is in the postmaster's own
   * counters for reaped children.
   */
  readonly withChildren?: boolean;
}

/** CPU time (user + system, ms) by probe name at one moment. */
export type CpuTimes = ReadonlyMap<string, number>;

/** Every process whose parent is one of `parents`, with its stat, under the parent's name. */
async function childrenOf(
  procRoot: string,
  parents: ReadonlyMap<number, string>,
): Promise<{ readonly name: string; readonly pid: number; readonly stat: ProcStat }[]> {
  if (parents.size === 0) return [];
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  const out = [];
  for (const pid of pids) {
    const stat = await statOf(Number(pid), procRoot);
    const name = stat && parents.get(stat.ppid);
    if (name !== undefined) out.push({ name, pid: Number(pid), stat: stat! });
  }
  return out;
}

const parentsOf = (probes: readonly CpuProbe[]) =>
  new Map(probes.filter((p) => p.withChildren).map((p) => [p.pid, p.name]));

/**
 * Reads the probes' CPU time. A process that is gone counts nothing; its name is still
 * listed, so that a run can tell "no CPU" from "not measured".
 */
export async function readCpuTimes(
  probes: readonly CpuProbe[],
  procRoot = '/proc',
): Promise<CpuTimes> {
  const times = new Map<string, number>();
  const add = (name: string, ticks: number) =>
    times.set(name, (times.get(name) ?? 0) + ticks * MS_PER_TICK);
  for (const p of probes) {
    const s = await statOf(p.pid, procRoot);
    add(p.name, s ? s.own + (p.withChildren ? s.reaped : 0) : 0);
  }
  for (const child of await childrenOf(procRoot, parentsOf(probes)))
    add(child.name, child.stat.own);
  return times;
}

/** The fields of /proc/<pid>/task/<tid>/schedstat: on CPU, waiting on a run queue (ns). */
const ON_CPU = 0;
const WAITING = 1;

function schedstatField(text: string, field: number): number | undefined {
  const value = Number(text.trim().split(/\s+/)[field]);
  return Number.isFinite(value) ? value : undefined;
}

/** The time a task spent runnable but waiting for a core (ns), from its schedstat. */
export const parseSchedstat = (text: string): number | undefined => schedstatField(text, WAITING);

/** One schedstat field summed over a process's threads (ns); undefined when none was read. */
async function schedstatSum(
  procRoot: string,
  pid: number,
  field: number,
): Promise<number | undefined> {
  const tasks = await readdir(`${procRoot}/${pid}/task`).catch(() => [] as string[]);
  let sum: number | undefined;
  for (const tid of tasks) {
    const text = await readFile(`${procRoot}/${pid}/task/${tid}/schedstat`, 'utf8').catch(
      () => undefined,
    );
    const value = text === undefined ? undefined : schedstatField(text, field);
    if (value !== undefined) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** The waits of a process's threads (ns); undefined when none could be read. */
const waitedNsOf = (procRoot: string, pid: number) => schedstatSum(procRoot, pid, WAITING);

/**
 * The CPU time of a process's threads (ns) from schedstat: nanoseconds, where
 * /proc/<pid>/stat counts 10 ms ticks, so that a few dozen requests can be measured.
 * Threads that already exited are not counted. undefined when no schedstat could be read.
 */
export function readOnCpuNs(pid: number, procRoot = '/proc'): Promise<number | undefined> {
  return schedstatSum(procRoot, pid, ON_CPU);
}

/**
 * Reads how long the probes' threads waited for a core (ms), in the same shape as
 * readCpuTimes. On a machine with fewer cores than busy processes this is the part of a
 * request's latency that is neither its work nor its I/O. Unlike CPU time, the waits of
 * exited children are kept nowhere, so PostgreSQL counts only backends still connected.
 * undefined when no schedstat could be read (a kernel without it, another OS).
 */
export async function readWaitTimes(
  probes: readonly CpuProbe[],
  procRoot = '/proc',
): Promise<CpuTimes | undefined> {
  const times = new Map<string, number>();
  let seen = false;
  const add = async (name: string, pid: number) => {
    const ns = await waitedNsOf(procRoot, pid);
    if (ns !== undefined) seen = true;
    times.set(name, (times.get(name) ?? 0) + (ns ?? 0) / 1e6);
  };
  for (const p of probes) await add(p.name, p.pid);
  for (const child of await childrenOf(procRoot, parentsOf(probes)))
    await add(child.name, child.pid);
  return seen ? times : undefined;
}

/**
 * Milliseconds per response of each named process group between two readings (of CPU time,
 * or of waiting for a core), rounded to the microsecond. A negative difference (a process
 * restarted in between) counts as 0.
 */
export function msPerResponse(
  before: CpuTimes,
  after: CpuTimes,
  responses: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  if (responses <= 0) return out;
  for (const [name, ms] of after) {
    const used = Math.max(0, ms - (before.get(name) ?? 0));
    out[name] = Math.round((used / responses) * 1000) / 1000;
  }
  return out;
}

/**
 * The processes of a local platform: each running service instance under its service's
 * name (instances of one service add up) and, when PostgreSQL is embedded, the postmaster
 * with its backends. An external PostgreSQL is not on this machine's books, so it is left
 * out rather than guessed.
 */
export function platformProbes(state: RuntimeState): CpuProbe[] {
  const probes: CpuProbe[] = state.instances
    .filter((i) => i.pid !== null)
    .map((i) => ({ name: i.service, pid: i.pid! }));
  if (state.postgres?.kind === 'embedded' && state.postgres.pid !== undefined) {
    probes.push({ name: 'postgres', pid: state.postgres.pid, withChildren: true });
  }
  return probes;
}
