import { readdir, readFile } from 'node:fs/promises';
import { statOf } from './proc-stat.js';

/** Resident (RSS) and proportional (PSS: shared pages divided among sharers) memory, in MiB. */
export interface MemoryUse {
  processes: number;
  rssMiB: number;
  pssMiB: number;
}

/** One process's own memory, in kB. */
export interface MemoryReading {
  rss: number;
  pss: number;
}

async function rollup(pid: number): Promise<MemoryReading | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return undefined;
  }
}

/** Each process's memory from /proc (Linux), by pid; the ones that could not be read are left out. */
export async function readMemory(pids: readonly number[]): Promise<Map<number, MemoryReading>> {
  const all = await Promise.all(pids.map(async (pid) => [pid, await rollup(pid)] as const));
  return new Map(all.filter((e): e is [number, MemoryReading] => e[1] !== undefined));
}

/**
 * The memory of `pids` from readings of them (undefined when none of them could be read). RSS
 * counts shared pages (the node binary, PostgreSQL's shared buffers) once per process; PSS
 * does not.
 */
export function memoryFrom(
  readings: ReadonlyMap<number, MemoryReading>,
  pids: readonly number[],
): MemoryUse | undefined {
  const seen = pids.flatMap((p) => readings.get(p) ?? []);
  if (pids.length > 0 && seen.length === 0) return undefined;
  const mib = (kb: number): number => Math.round(kb / 1024);
  return {
    processes: seen.length,
    rssMiB: mib(seen.reduce((n, m) => n + m.rss, 0)),
    pssMiB: mib(seen.reduce((n, m) => n + m.pss, 0)),
  };
}

/** Memory of a set of processes from /proc (Linux; undefined elsewhere). */
export async function memoryOf(pids: readonly number[]): Promise<MemoryUse | undefined> {
  return memoryFrom(await readMemory(pids), pids);
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
