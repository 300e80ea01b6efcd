import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { CALIBRATION_WORKLOAD, runCalibration } from './calibration.js';

/** Processes whose command line holds the hop's source (so: the skeleton's children). */
async function hopProcesses(): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('--input-type=module') && cmd.includes("console.log('listening '")) {
      found.push(Number(pid));
    }
  }
  return found;
}

// A real, bounded run (1 s, 4 connections, loopback): four spawned processes answer every
// request, their CPU is read from /proc, and they are gone afterwards.
describe('runCalibration', () => {
  test('loads the four-hop skeleton, measures it, and stops every hop', async () => {
    const lines: string[] = [];
    const c = await runCalibration({
      durationS: 1,
      runs: 2,
      warmupS: 0,
      connections: 4,
      progress: (l) => lines.push(l),
    });
    expect(c.workload).toBe(CALIBRATION_WORKLOAD);
    expect(c.connections).toBe(4);
    expect(c.durationS).toBe(1);
    expect(c.rps).toBeGreaterThan(0);
    // Two measured runs; the best is the one reported.
    expect(c.runsRps).toHaveLength(2);
    expect(c.rps).toBe(Math.max(...c.runsRps));
    expect(c.latencyMs.p99).toBeGreaterThanOrEqual(c.latencyMs.p50);
    // Four processes did the work: their CPU per request cannot be zero.
    expect(c.cpuMsPerRequest).toBeGreaterThan(0);
    // The leaf hop's CPU per request, loaded and woken from sleep: both measured, never zero.
    expect(c.wake).toMatchObject({ gapMs: 20, samples: 50 });
    expect(c.wake!.busyMicros).toBeGreaterThan(0);
    expect(c.wake!.idleMicros).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('4 connections');
    expect(await hopProcesses()).toEqual([]);
  });

  test('a hop that cannot start is a clear error, and nothing is left running', async () => {
    await expect(
      runCalibration({ durationS: 1, warmupS: 0, startTimeoutMs: 1 }),
    ).rejects.toMatchObject({
      code: 'ALP_BENCH_CALIBRATION_FAILED',
      message: 'calibration: the risk hop did not listen within 1 ms',
      exitCode: 3,
      suggestions: ['run the bench without --calibrate'],
    });
    expect(await hopProcesses()).toEqual([]);
  });
});
