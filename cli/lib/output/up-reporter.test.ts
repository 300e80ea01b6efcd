import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import type { UpEvent } from '../runtime/local/events.js';
import { plainReporter, QUIET_WAIT_MS } from './up-reporter.js';

const c = new Chalk({ level: 0 });
const waiting = (instance: string, elapsedMs: number): Extract<UpEvent, { type: 'instance' }> => ({
  type: 'instance',
  service: 'auth',
  instance,
  status: 'waiting',
  message: `${instance} waits on /health/ready: ECONNREFUSED, ${Math.floor(elapsedMs / 1000)} s of 30 s`,
  elapsedMs,
});

describe('plain `up` progress', () => {
  test('a start that takes the usual second or two prints its ready line only', () => {
    const lines: string[] = [];
    const { report } = plainReporter(c, false, (l) => lines.push(l));
    for (const ms of [0, 1000, 2000]) report(waiting('auth-0', ms));
    report({ ...waiting('auth-0', 2400), status: 'ready', message: 'auth-0 ready on :4010' });
    expect(lines).toEqual(['✔ auth-0 ready on :4010 (2400 ms)']);
  });

  test('a slow start is reported from the fifth second, then every five seconds per instance', () => {
    const lines: string[] = [];
    const { report } = plainReporter(c, false, (l) => lines.push(l));
    for (let s = 0; s <= 12; s++) {
      report(waiting('trading-0', s * 1000));
      if (s % 2 === 0) report(waiting('risk-0', s * 1000));
    }
    expect(lines).toEqual([
      '… trading-0 waits on /health/ready: ECONNREFUSED, 5 s of 30 s',
      '… risk-0 waits on /health/ready: ECONNREFUSED, 6 s of 30 s',
      '… trading-0 waits on /health/ready: ECONNREFUSED, 10 s of 30 s',
      '… risk-0 waits on /health/ready: ECONNREFUSED, 12 s of 30 s',
    ]);
    expect(QUIET_WAIT_MS).toBe(5000);
  });

  test('--verbose prints every wait', () => {
    const lines: string[] = [];
    const { report } = plainReporter(c, true, (l) => lines.push(l));
    for (const ms of [0, 1000]) report(waiting('auth-0', ms));
    expect(lines).toHaveLength(2);
  });
});
