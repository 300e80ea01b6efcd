import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt } from '../test/cli/cli-process.js';
import { preparePlatform, type PlatformUnderTest } from '../test/platform/platform-under-test.js';

const DATABASE_URL = process.env.DATABASE_URL;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Live child processes of `pid` (from /proc; zombies left out). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const d of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') found.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

/** Resolves once `text` has appeared on the stream (what came before included). */
async function seen(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  let got = '';
  while (!got.includes(text)) {
    const [chunk] = (await once(stream, 'data')) as [Buffer];
    got += chunk.toString('utf8');
  }
}

interface Interrupted {
  ok: boolean;
  data: BenchData & { passed: boolean; interrupted: { signal: string; during: string } | null };
}

interface Calibrated {
  rps: number;
  cpuMsPerRequest: number;
}
interface BenchData {
  calibration: (Calibrated & { workload: string }) | null;
  scenarios: {
    id: string;
    runs: { rps: number; requests: number }[];
    baseline: {
      saved: boolean;
      machine: {
        baselineRps: number;
        currentRps: number;
        baselineCpuMsPerRequest: number;
        rpsChangePct: number;
      } | null;
    };
  }[];
}

/*
 * `alphintra bench` end to end on a real platform (short runs, loopback only): a calibrated
 * run saves its calibration with the baseline, a later calibrated run compares the machine
 * with it, and a run without --calibrate measures nothing of the machine.
 */
describe.skipIf(!DATABASE_URL)(
  'alphintra bench on a real platform (skipped when DATABASE_URL is unset)',
  () => {
    let p: PlatformUnderTest;
    const baselines = mkdtempSync(path.join(tmpdir(), 'alp-bench-baselines-'));
    const bench = async (...args: string[]) => {
      const r = await p.cli(
        ['bench', 'read', '--duration', '1', '--warmup', '0', '--settle', '5', '--json', ...args],
        120_000,
      );
      expect(r.exitCode === 0 || r.exitCode === 1, `${r.stdout}\n${r.stderr}`).toBe(true);
      return (r.json as { ok: boolean; data: BenchData }).data;
    };

    beforeAll(async () => {
      assertBuilt();
      p = await preparePlatform({
        databaseUrl: DATABASE_URL ?? '',
        redisUrl: undefined,
        scale: {},
        extraEnv: { RATE_LIMIT_MAX: '100000000', RISK_DEFAULT_ORDER_RATE: '1000000' },
      });
      const up = await p.cli(['up', '--detach', '--json'], 170_000);
      expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
    }, 180_000);

    afterAll(async () => {
      await p?.destroy();
      rmSync(baselines, { recursive: true, force: true });
    }, 90_000);

    test('--calibrate --save-baseline, then --calibrate: the machine is compared with the baseline', async () => {
      const first = await bench('--calibrate', '--save-baseline', '--baseline-dir', baselines);
      expect(first.calibration?.rps).toBeGreaterThan(0);
      expect(first.calibration?.cpuMsPerRequest).toBeGreaterThan(0);
      expect(first.scenarios[0]!.runs[0]!.requests).toBeGreaterThan(0);
      expect(first.scenarios[0]!.baseline.saved).toBe(true);
      const saved = JSON.parse(readFileSync(path.join(baselines, 'read.json'), 'utf8')) as {
        machine: { calibration?: Calibrated };
      };
      expect(saved.machine.calibration).toEqual({
        rps: first.calibration!.rps,
        cpuMsPerRequest: first.calibration!.cpuMsPerRequest,
      });

      const second = await bench('--calibrate', '--baseline-dir', baselines);
      const machine = second.scenarios[0]!.baseline.machine;
      expect(machine).toMatchObject({
        baselineRps: first.calibration!.rps,
        currentRps: second.calibration!.rps,
        baselineCpuMsPerRequest: first.calibration!.cpuMsPerRequest,
      });

      const plain = await bench('--baseline-dir', baselines);
      expect(plain.calibration).toBeNull();
      expect(plain.scenarios[0]!.baseline.machine).toBeNull();
    }, 300_000);

    test('SIGINT mid-scenario: stops at once, reports the scenarios that finished, exit 1, no baseline for the cut-off one', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'alp-bench-interrupted-'));
      try {
        // Signalled as its first 3 s run starts, `gateway` would still finish if the signal
        // did not stop it (and then be reported, with a baseline).
        const { child, done } = p.spawnCli(
          [
            ...['bench', 'read', 'gateway', '--warmup', '0', '--settle', '5', '--json'],
            ...['--duration', '3', '--save-baseline', '--baseline-dir', dir],
          ],
          120_000,
        );
        await seen(child.stderr!, 'gateway: 3s on gateway');
        child.kill('SIGINT');
        const r = await done;
        expect(r.exitCode, r.stderr).toBe(1);
        const { ok, data } = r.json as Interrupted;
        expect(ok).toBe(true);
        expect(data.passed).toBe(false);
        expect(data.interrupted?.signal).toBe('SIGINT');
        expect(data.interrupted?.during).toMatch(/^gateway: 3s on gateway/);
        expect(data.scenarios.map((s) => s.id)).toEqual(['read']);
        expect(readdirSync(dir).sort()).toEqual(['read.json']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);

    test('SIGINT during --calibrate: the skeleton processes are stopped, nothing is reported as measured', async () => {
      const { child, done } = p.spawnCli(
        ['bench', 'read', '--calibrate', '--settle', '5', '--duration', '600', '--json'],
        120_000,
      );
      await seen(child.stderr!, 'best of 3');
      const hops = childrenOf(child.pid!);
      expect(hops).toHaveLength(4);
      child.kill('SIGINT');
      const r = await done;
      expect(r.exitCode, r.stderr).toBe(1);
      const { data } = r.json as Interrupted;
      expect(data.interrupted).toMatchObject({ signal: 'SIGINT' });
      expect(data.interrupted?.during).toMatch(/^calibration: /);
      expect(data.calibration).toBeNull();
      expect(data.scenarios).toEqual([]);
      expect(hops.filter(alive)).toEqual([]);
    }, 180_000);

    test('the bench killed outright (SIGKILL) during --calibrate: the skeleton processes still exit', async () => {
      const { child, done } = p.spawnCli(
        ['bench', 'read', '--calibrate', '--settle', '5'],
        120_000,
      );
      await seen(child.stderr!, 'best of 3');
      const hops = childrenOf(child.pid!);
      expect(hops).toHaveLength(4);
      child.kill('SIGKILL');
      await done;
      const deadline = Date.now() + 10_000;
      while (hops.some(alive) && Date.now() < deadline) await sleep(100);
      expect(hops.filter(alive)).toEqual([]);
    }, 180_000);
  },
);
