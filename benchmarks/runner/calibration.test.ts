import { describe, expect, test } from 'vitest';
import { describeCalibration, machineChange, type Calibration } from './calibration.js';

const calibration = (rps: number): Calibration => ({
  workload: 'skeleton',
  connections: 50,
  durationS: 5,
  rps,
  latencyMs: { p50: 9, p99: 25 },
  cpuMsPerRequest: 0.284,
  runsRps: [rps],
  wake: null,
});

describe('machineChange', () => {
  test('the change of the calibration throughput and CPU per request, in percent', () => {
    expect(machineChange({ rps: 5000, cpuMsPerRequest: 0.25 }, calibration(3500))).toEqual({
      baselineRps: 5000,
      currentRps: 3500,
      rpsChangePct: -30,
      baselineCpuMsPerRequest: 0.25,
      currentCpuMsPerRequest: 0.284,
      cpuChangePct: 13.6,
    });
    expect(
      machineChange({ rps: 3000, cpuMsPerRequest: 0.3 }, calibration(4000))?.rpsChangePct,
    ).toBe(33.333);
  });

  test('nothing to compare when either side was not calibrated', () => {
    expect(machineChange(undefined, calibration(3500))).toBeNull();
    expect(machineChange({ rps: 5000, cpuMsPerRequest: 0.25 }, null)).toBeNull();
    expect(machineChange({ rps: 0, cpuMsPerRequest: 0.25 }, calibration(3500))).toBeNull();
    expect(machineChange({ rps: 5000, cpuMsPerRequest: 0 }, calibration(3500))).toBeNull();
  });
});

test('describeCalibration: what a request costs a hop when busy and when it wakes it', () => {
  const woken = {
    ...calibration(4714.2),
    wake: { busyMicros: 48, idleMicros: 250, gapMs: 20, samples: 50 },
  };
  expect(describeCalibration(woken)).toBe(
    '4,714 req/s, p50 9 ms, p99 25 ms, 0.284 ms CPU/request; a request costs a hop 48 µs of CPU when it is busy, 250 µs when it wakes it (5.2×)',
  );
});

test('describeCalibration: the best run, and every run when there were several', () => {
  expect(describeCalibration(calibration(4714.2))).toBe(
    '4,714 req/s, p50 9 ms, p99 25 ms, 0.284 ms CPU/request',
  );
  expect(describeCalibration({ ...calibration(4714.2), runsRps: [4585.4, 4714.2, 4722.6] })).toBe(
    '4,714 req/s, p50 9 ms, p99 25 ms, 0.284 ms CPU/request (best of 4,585, 4,714, 4,723)',
  );
});
