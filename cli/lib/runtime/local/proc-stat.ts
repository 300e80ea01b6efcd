import { readFile } from 'node:fs/promises';

/**
 * Linux reports process CPU time in clock ticks of USER_HZ, which is 100 on every
 * architecture Linux supports (sysconf(_SC_CLK_TCK)); a tick is 10 ms.
 */
export const MS_PER_TICK = 10;

/** The parts of /proc/<pid>/stat the CLI reads. */
export interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in ticks */
  readonly own: number;
  /** cutime + cstime: children that exited and were waited for, in ticks */
  readonly reaped: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  if (f.length < 15 || [1, 11, 12, 13, 14].some((i) => !Number.isFinite(n(i)))) return undefined;
  return { ppid: n(1), own: n(11) + n(12), reaped: n(13) + n(14) };
}

/** A process's stat, or undefined when it is gone (or not Linux). */
export async function statOf(pid: number, procRoot = '/proc'): Promise<ProcStat | undefined> {
  const text = await readFile(`${procRoot}/${pid}/stat`, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseProcStat(text);
}
