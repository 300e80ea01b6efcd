import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt } from '../test/cli/cli-process.js';
import { preparePlatform, type PlatformUnderTest } from '../test/platform/platform-under-test.js';

const DATABASE_URL = process.env.DATABASE_URL;

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
  },
);
