import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { isAlive } from './liveness.js';
import { serviceCommand, type ServiceEntry } from './paths.js';

/**
 * The last argument of every service process `up` starts for a home (services ignore it). With
 * it the home's processes can be found without state.json: `up` records each pid right after
 * its spawn, but a CLI killed between the two (SIGKILL, a crash) leaves a process nobody
 * recorded, and `down` must stop that one too.
 */
export function homeMarker(home: string): string {
  return `--alphintra-home=${path.resolve(home)}`;
}

/** The node arguments of one service process of `home`: its entry point, then the marker. */
export function serviceArgv(entry: ServiceEntry, service: string, home: string): string[] {
  return [...serviceCommand(entry, service), homeMarker(home)];
}

/** Linux: every process's argv, exactly, from /proc. */
async function procCommandLines(): Promise<[number, string[]][]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const read = await Promise.all(
    pids.map(async (pid): Promise<[number, string[]] | undefined> => {
      try {
        const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
        return [pid, raw.split('\0')];
      } catch {
        return undefined; // gone meanwhile, or not ours to read
      }
    }),
  );
  return read.filter((r) => r !== undefined);
}

/** Elsewhere (macOS, the BSDs): `ps`, whose lines end with the marker when it is the last arg. */
async function psCommandLines(marker: string): Promise<[number, string[]][]> {
  const { stdout } = await promisify(execFile)('ps', ['-axww', '-o', 'pid=,args='], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split('\n').flatMap((line): [number, string[]][] => {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    return m && m[2]!.endsWith(` ${marker}`) ? [[Number(m[1]), [marker]]] : [];
  });
}

/** Live processes carrying `home`'s marker, this process excepted. */
export async function processesOfHome(home: string): Promise<number[]> {
  const marker = homeMarker(home);
  const lines =
    process.platform === 'linux' ? await procCommandLines() : await psCommandLines(marker);
  return lines
    .filter(([pid, argv]) => pid !== process.pid && argv.includes(marker) && isAlive(pid))
    .map(([pid]) => pid);
}
