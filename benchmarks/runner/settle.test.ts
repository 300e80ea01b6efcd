import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { readCpuTimes } from './process-cpu.js';
import { describeSettle, settle } from './settle.js';

/**
 * A fake clock and CPU counter: each window the platform uses the next amount of CPU (ms of
 * CPU per 1,000 ms window), so settle's arithmetic is checked without waiting.
 */
function fakePlatform(usedPerWindow: number[]) {
  let clock = 0;
  let cpu = 0;
  let window = 0;
  return {
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
      cpu += usedPerWindow[Math.min(window, usedPerWindow.length - 1)]!;
      window += 1;
    },
    readCpu: async () =>
      new Map([
        ['postgres', cpu * 0.75],
        ['trading', cpu * 0.25],
      ]),
  };
}

describe('settle', () => {
  test('a quiet platform is measured once and not waited for', async () => {
    const p = fakePlatform([40]);
    const s = await settle(p.readCpu, { budgetMs: 60_000, now: p.now, sleep: p.sleep });
    expect(s).toEqual({ quiet: true, waitedMs: 1000, cores: 0.04, windowMs: 1000 });
  });

  test('waits while the processes together use more than the quiet share', async () => {
    // 1.2, 0.9 and 0.3 cores, then 0.1: quiet in the fourth window.
    const p = fakePlatform([1200, 900, 300, 100]);
    const s = await settle(p.readCpu, { budgetMs: 60_000, now: p.now, sleep: p.sleep });
    expect(s).toEqual({ quiet: true, waitedMs: 4000, cores: 0.1, windowMs: 1000 });
    expect(describeSettle(s)).toBe('platform quiet after 4.0 s (10 % of a core over the last 1 s)');
  });

  test('gives up at the budget and says the platform was still busy', async () => {
    const p = fakePlatform([800]);
    const s = await settle(p.readCpu, { budgetMs: 5000, now: p.now, sleep: p.sleep });
    expect(s).toEqual({ quiet: false, waitedMs: 5000, cores: 0.8, windowMs: 1000 });
    expect(describeSettle(s)).toBe(
      'platform still busy after 5.0 s (80 % of a core over the last 1 s); measuring anyway',
    );
  });

  test('a budget of 0 measures one window and goes on', async () => {
    const p = fakePlatform([1500]);
    const s = await settle(p.readCpu, { budgetMs: 0, now: p.now, sleep: p.sleep });
    expect(s.quiet).toBe(false);
    expect(s.waitedMs).toBe(1000);
  });

  // Real processes and /proc: a child that spins for ~1.5 s of CPU, then idles. Settle must
  // see it busy first and quiet once it stops (bounded: the child exits after 3 s).
  test('waits for a real busy process to go quiet', async () => {
    const child = spawn(process.execPath, [
      '-e',
      `const end = Date.now() + 1500; while (Date.now() < end) {} setTimeout(() => {}, 1500);`,
    ]);
    try {
      await new Promise((r) => child.once('spawn', r));
      const probes = [{ name: 'spinner', pid: child.pid! }];
      const s = await settle(() => readCpuTimes(probes), { budgetMs: 10_000, windowMs: 250 });
      expect(s.quiet).toBe(true);
      // Busy in the first window at least (the spinner runs for 1.5 s), quiet once it stops.
      expect(s.waitedMs).toBeGreaterThan(250);
      expect(s.cores).toBeLessThanOrEqual(0.15);
    } finally {
      child.kill();
    }
  });
});
