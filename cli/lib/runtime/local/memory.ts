import { readdir, readFile } from 'node:fs/promises';
import { statOf } from './proc-stat.js';

/** Resident (RSS) and proportional (PSS: shared pages divided among sharers) memory, in MiB. */
export interface MemoryUse {
  processes: number;
  rssMiB: number;
  pssMiB: number;
}

async function rollup(pid: number): Promise<{ rss: number; pss: number } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return undefined;
  }
}

/**
 * Memory of a set of processes from /proc (Linux; undefined elsewhere). RSS counts shared
 * pages (the node binary, PostgreSQL's shared buffers) once per process; PSS does not.
 */
export async function memoryOf(pids: readonly number[]): Promise<MemoryUse | undefined> {
  const all = await Promise.all(pids.map(rollup));
  const seen = all.filter((m): m is { rss: number; pss: number } => m !== undefined);
  if (pids.length > 0 && seen.length === 0) return undefined;
  const mib = (kb: number): number => Math.round(kb / 1024);
  return {
    processes: seen.length,
    rssMiB: mib(seen.reduce((n, m) => n + m.rss, 0)),
    pssMiB: mib(seen.reduce((n, m) => n + m.pss, 0)),
  };
}

/** A PostgreSQL postmaster and its children (backends, workers), from /proc. */
export async function postmasterTree(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const d of (await readdir('/proc').catch(() => [] as string[])).filter((e) =>
    /^\d+$/.test(e),
  )) {
    if ((await statOf(Number(d)))?.ppid === pid) children.push(Number(d));
  }
  return [pid, ...children];
}
