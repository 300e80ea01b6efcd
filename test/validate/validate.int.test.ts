import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isGap } from '../../cli/lib/validate/checks.js';
import { CHECKS } from '../../cli/lib/validate/registry.js';
import type { ValidateResult } from '../../cli/lib/validate/run-validate.js';
import { assertBuilt, runCli } from '../cli/cli-process.js';
import { preparePlatform, type PlatformUnderTest } from '../platform/platform-under-test.js';

/*
 * `alphintra validate` as a user runs it: every check against a real platform (`up --detach`
 * on the machine's PostgreSQL and Redis), and the static phase with no platform at all (CI).
 */

const DATABASE_URL = process.env.DATABASE_URL;

describe('alphintra validate --phase S with no platform', () => {
  test('the static checks pass; nothing live is selected', async () => {
    assertBuilt();
    const run = await runCli(['validate', '--phase', 'S', '--json'], {
      env: { ALPHINTRA_HOME: '/nonexistent/alphintra-home' },
    });
    const data = (run.json as { data: ValidateResult }).data;
    const failed = data.checks.filter((c) => c.status === 'failed');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(data.checks.every((c) => c.phase === 'S')).toBe(true);
    const built = CHECKS.filter((c) => c.phase === 'S' && !isGap(c)).map((c) => c.id);
    expect(data.checks.filter((c) => c.status === 'passed').map((c) => c.id)).toEqual(built);
    expect(data.platform).toBeNull();
  }, 120_000);

  test('no check selected is a usage error (exit 2)', async () => {
    const run = await runCli(['validate', '--grep', 'no-such-check-anywhere', '--json'], {
      env: { ALPHINTRA_HOME: '/nonexistent/alphintra-home' },
    });
    expect(run.exitCode).toBe(2);
    expect((run.json as { error: { code: string } }).error.code).toBe(
      'ALP_VALIDATE_NOTHING_SELECTED',
    );
  });
});

describe.skipIf(!DATABASE_URL)('alphintra validate on a real platform', () => {
  let p: PlatformUnderTest;

  beforeAll(async () => {
    assertBuilt();
    p = await preparePlatform({
      databaseUrl: DATABASE_URL!,
      redisUrl: process.env.REDIS_URL,
      scale: {},
    });
    const up = await p.cli(['up', '--detach', '--json'], 180_000);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 240_000);
  afterAll(() => p?.destroy(), 120_000);

  test('every check: none fails, every live check passes or says why it skipped', async () => {
    const run = await p.cli(['validate', '--json'], 300_000);
    const data = (run.json as { data: ValidateResult }).data;
    const failed = data.checks.filter((c) => c.status === 'failed');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(data.counts.total).toBe(45);
    expect(data.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    expect(data.platform).not.toBeNull();
    for (const c of data.checks.filter((x) => x.phase === 'L')) {
      expect(['passed', 'skipped'], c.id).toContain(c.status);
      if (c.status === 'skipped') expect(c.reason, c.id).toBeTruthy();
    }
    // Only Redis may be missing from a real platform; nothing else skips.
    const skipped = data.checks.filter((c) => c.phase === 'L' && c.status === 'skipped');
    expect(skipped.map((c) => c.id)).toEqual(process.env.REDIS_URL ? [] : ['V035']);
    expect(data.counts['not-built']).toBe(CHECKS.filter(isGap).length);
  }, 360_000);
});
