import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, runCli } from '../test/cli/cli-process.js';

// The built CLI's contract for `bench` without a platform: no load is generated here.
describe('alphintra bench (built CLI, no platform)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'alp-bench-cli-'));
  beforeAll(() => assertBuilt());
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test('--help shows examples with long flags', async () => {
    const r = await runCli(['bench', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('$ alphintra bench order --rate 500 --duration 20');
    expect(r.stdout).toContain('--save-baseline');
  });

  test('no running platform: exit 3 and one error envelope', async () => {
    const r = await runCli(['bench', 'read', '--json'], { env: { ALPHINTRA_HOME: home } });
    expect(r.exitCode).toBe(3);
    expect(r.json).toEqual({
      apiVersion: 'alphintra/v1',
      ok: false,
      command: 'bench',
      error: {
        kind: 'user',
        code: 'ALP_BENCH_PLATFORM_NOT_RUNNING',
        message: `no running platform in ${home}`,
        suggestions: [
          'start it with the bench settings: RATE_LIMIT_MAX=100000000 RISK_DEFAULT_ORDER_RATE=1000000 alphintra up --detach',
          'or point ALPHINTRA_HOME at the home of a running platform',
        ],
      },
    });
  });

  test('an unknown scenario and a bad flag: exit 2, both reported', async () => {
    const r = await runCli(['bench', 'graphql', '--duration', '0', '--json'], {
      env: { ALPHINTRA_HOME: home },
    });
    expect(r.exitCode).toBe(2);
    expect(r.json).toMatchObject({
      ok: false,
      error: {
        kind: 'usage',
        code: 'ALP_BENCH_UNKNOWN_SCENARIO',
        problems: [
          'unknown scenario "graphql"',
          '--duration must be an integer from 1 to 3600 (got 0)',
        ],
      },
    });
  });
});
