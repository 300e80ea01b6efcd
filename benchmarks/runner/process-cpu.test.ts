import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseProcStat } from '../../cli/lib/runtime/local/proc-stat.js';
import type { RuntimeState } from '../../cli/lib/runtime/local/state.js';
import {
  msPerResponse,
  parseSchedstat,
  platformProbes,
  readCpuTimes,
  readWaitTimes,
} from './process-cpu.js';
import { describeCpu } from './run-scenario.js';

/** A /proc/<pid>/stat line with the given fields (utime 14, stime 15, cutime 16, cstime 17). */
function statLine(
  pid: number,
  comm: string,
  ppid: number,
  ticks: [number, number, number, number],
) {
  const rest = ['S', ppid, 0, 0, 0, -1, 0, 0, 0, 0, 0, ...ticks, 20, 0, 1, 0];
  return `${pid} (${comm}) ${rest.join(' ')}\n`;
}

describe('parseProcStat', () => {
  test('reads the fields after the command name, whatever the name holds', () => {
    expect(parseProcStat(statLine(7, 'postgres: a (b) c', 1, [5, 3, 40, 2]))).toEqual({
      ppid: 1,
      own: 8,
      reaped: 42,
    });
    expect(parseProcStat('12 (node) S 1')).toBeUndefined();
  });
});

describe('msPerResponse', () => {
  test('milliseconds per response by name; a restarted process counts 0, not less', () => {
    const before = new Map([
      ['gateway', 1000],
      ['user', 500],
    ]);
    const after = new Map([
      ['gateway', 1240],
      ['user', 400],
      ['postgres', 30],
    ]);
    expect(msPerResponse(before, after, 1000)).toEqual({ gateway: 0.24, user: 0, postgres: 0.03 });
    expect(msPerResponse(before, after, 0)).toEqual({});
  });
});

describe('describeCpu', () => {
  test('total first, then the costliest groups; groups under 2 % count in the total only', () => {
    expect(describeCpu({ user: 0.187, gateway: 0.24, postgres: 0.186, strategy: 0.01 })).toBe(
      '0.62 ms/response: gateway 0.24, user 0.19, postgres 0.19',
    );
    expect(describeCpu({})).toBe('0.00 ms/response');
  });
});

describe('platformProbes', () => {
  const state = (postgres: RuntimeState['postgres']) =>
    ({
      instances: [
        { service: 'gateway', index: 0, pid: 11 },
        { service: 'trading', index: 0, pid: 12 },
        { service: 'trading', index: 1, pid: 13 },
        { service: 'risk', index: 0, pid: null },
      ],
      postgres,
    }) as unknown as RuntimeState;

  test('running instances by service, and the embedded postmaster with its backends', () => {
    const embedded = state({
      kind: 'embedded',
      host: '127.0.0.1',
      port: 4099,
      url: 'postgres://127.0.0.1:4099/',
      pid: 99,
      startedByUs: true,
    });
    expect(platformProbes(embedded)).toEqual([
      { name: 'gateway', pid: 11 },
      { name: 'trading', pid: 12 },
      { name: 'trading', pid: 13 },
      { name: 'postgres', pid: 99, withChildren: true },
    ]);
  });

  test('an external PostgreSQL is left out: its processes are not ours to count', () => {
    const external = state({
      kind: 'external',
      host: '127.0.0.1',
      port: 5432,
      url: 'postgres://127.0.0.1:5432/',
      startedByUs: false,
    });
    expect(platformProbes(external).map((p) => p.name)).toEqual(['gateway', 'trading', 'trading']);
  });
});

describe('readCpuTimes', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('adds instances of one name, and a parent’s live and reaped children', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'alp-proc-'));
    dirs.push(root);
    const proc = async (pid: number, line: string) => {
      await mkdir(path.join(root, String(pid)));
      await writeFile(path.join(root, String(pid), 'stat'), line);
    };
    await proc(12, statLine(12, 'node', 1, [10, 2, 0, 0]));
    await proc(13, statLine(13, 'node', 1, [3, 1, 0, 0]));
    await proc(99, statLine(99, 'postgres', 1, [1, 1, 50, 5]));
    await proc(100, statLine(100, 'postgres: trading', 99, [20, 4, 0, 0]));
    await proc(101, statLine(101, 'postgres: walwriter', 99, [1, 0, 0, 0]));
    await proc(200, statLine(200, 'unrelated', 1, [500, 500, 0, 0]));
    await mkdir(path.join(root, 'self'));
    const times = await readCpuTimes(
      [
        { name: 'trading', pid: 12 },
        { name: 'trading', pid: 13 },
        { name: 'postgres', pid: 99, withChildren: true },
        { name: 'risk', pid: 404 },
      ],
      root,
    );
    // Ticks of 10 ms: trading 12 + 4; postgres 2 own + 55 reaped + 24 + 1 children.
    expect(Object.fromEntries(times)).toEqual({ trading: 160, postgres: 820, risk: 0 });
  });

  test('counts this very process and a child it waited for (real /proc)', async () => {
    const probe = [{ name: 'me', pid: process.pid, withChildren: true }];
    const before = await readCpuTimes(probe);
    // A child that spends at least 300 ms of CPU (not of wall time) and exits.
    const child = spawnSync(process.execPath, [
      '-e',
      'const t = process.cpuUsage(); while (process.cpuUsage(t).user < 300000) {}',
    ]);
    expect(child.status).toBe(0);
    const after = await readCpuTimes(probe);
    expect(after.get('me')! - before.get('me')!).toBeGreaterThanOrEqual(250);
  });
});

describe('readWaitTimes', () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  /** A fake /proc: each process with its stat line and its threads' schedstat lines. */
  async function fakeProc(
    procs: { pid: number; ppid: number; schedstat?: string[] }[],
  ): Promise<string> {
    const root = await mkdtemp(path.join(tmpdir(), 'alp-proc-'));
    roots.push(root);
    for (const p of procs) {
      await mkdir(path.join(root, String(p.pid), 'task'), { recursive: true });
      await writeFile(
        path.join(root, String(p.pid), 'stat'),
        statLine(p.pid, 'x', p.ppid, [0, 0, 0, 0]),
      );
      for (const [i, line] of (p.schedstat ?? []).entries()) {
        const task = path.join(root, String(p.pid), 'task', String(p.pid + i));
        await mkdir(task);
        await writeFile(path.join(task, 'schedstat'), line);
      }
    }
    return root;
  }

  test('sums the run-queue wait of every thread, and of the live children of a postmaster', async () => {
    expect(parseSchedstat('300 2500000 7\n')).toBe(2_500_000);
    expect(parseSchedstat('')).toBeUndefined();
    const root = await fakeProc([
      { pid: 10, ppid: 1, schedstat: ['1 1000000 1\n', '1 500000 1\n'] },
      { pid: 20, ppid: 1, schedstat: ['1 2000000 1\n'] },
      { pid: 21, ppid: 20, schedstat: ['1 3000000 1\n'] },
      { pid: 30, ppid: 1, schedstat: ['1 4000000 1\n'] },
    ]);
    const waited = await readWaitTimes(
      [
        { name: 'gateway', pid: 10 },
        { name: 'postgres', pid: 20, withChildren: true },
        { name: 'gone', pid: 40 },
      ],
      root,
    );
    expect(Object.fromEntries(waited!)).toEqual({ gateway: 1.5, postgres: 5, gone: 0 });
  });

  test('undefined where no schedstat can be read', async () => {
    const root = await fakeProc([{ pid: 10, ppid: 1 }]);
    expect(await readWaitTimes([{ name: 'gateway', pid: 10 }], root)).toBeUndefined();
  });

  test('on Linux, this very process has a wait to read', async () => {
    const waited = await readWaitTimes([{ name: 'self', pid: process.pid }]);
    // Linux keeps schedstat for every task; elsewhere there is nothing to read.
    if (process.platform === 'linux') expect(waited!.get('self')).toBeGreaterThanOrEqual(0);
  });
});
