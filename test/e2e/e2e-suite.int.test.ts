import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate } from '../../cli/lib/certify/certificate.js';
import { SUITE } from '../../cli/lib/e2e/registry.js';
import { runE2e, type E2eResult } from '../../cli/lib/e2e/run-e2e.js';
import { area, isGap } from '../../cli/lib/e2e/suite.js';
import { resolveHome } from '../../cli/lib/runtime/local/paths.js';
import { assertBuilt, runCli } from '../cli/cli-process.js';
import { preparePlatform, type PlatformUnderTest } from '../platform/platform-under-test.js';

/*
 * `alphintra e2e` against a real platform (`up --detach` on the machine's PostgreSQL and
 * Redis): the whole suite must pass, and the runner must report what fails as failed. The
 * embedded default (no PostgreSQL or Redis given) runs the suite in .ci/smoke.sh.
 */

const DATABASE_URL = process.env.DATABASE_URL;

describe.skipIf(!DATABASE_URL)('alphintra e2e on a real platform', () => {
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

  test('the whole suite: every test that is built passes, every gap is reported as not built', async () => {
    const run = await p.cli(['e2e', '--json'], 600_000);
    const data = (run.json as { data: E2eResult }).data;
    const failed = data.tests.filter((t) => t.status === 'failed');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(data.counts.total).toBe(67);
    expect(data.tests.map((t) => t.id)).toEqual(SUITE.map((e) => e.id));
    expect(data.counts.passed).toBe(SUITE.filter((e) => !isGap(e)).length);
    expect(data.counts['not-built']).toBe(SUITE.filter(isGap).length);
    expect(data.passed).toBe(true);
  }, 660_000);

  test('a failing, a hanging and a missing test are reported as such, and fail the run', async () => {
    const suite = area('edge', [
      {
        id: 'X1',
        title: 'passes',
        async run(t) {
          assert.equal((await t.call('GET', '/health/live')).status, 200);
        },
      },
      {
        id: 'X2',
        title: 'fails',
        async run(t) {
          assert.equal((await t.call('GET', '/health/live')).status, 418, 'teapot');
        },
      },
      { id: 'X3', title: 'hangs', run: () => new Promise(() => undefined) },
      { id: 'X4', title: 'is missing', missing: 'no such feature' },
      { id: 'X5', title: 'stops a service', disruptive: true, run: async () => undefined },
    ]);
    const result = await runE2e({
      paths: resolveHome({ ALPHINTRA_HOME: p.home }),
      suite,
      command: 'test',
      timeoutMs: 1_000,
      disruptive: false,
    });
    expect(result.tests.map((t) => [t.id, t.status])).toEqual([
      ['X1', 'passed'],
      ['X2', 'failed'],
      ['X3', 'failed'],
      ['X4', 'not-built'],
      ['X5', 'skipped'],
    ]);
    expect(result.tests[1]!.reason).toBe('teapot (expected 418, got 200)');
    expect(result.tests[2]!.reason).toBe('no result within 1 s');
    expect(result.tests[3]!.reason).toBe('no such feature');
    expect(result.passed).toBe(false);
  });

  test('certify: a signed certificate with every gate; it verifies, and a changed byte does not', async () => {
    const file = path.join(p.home, 'certificate.json');
    // The disruptive tests ran above; the verdict cannot be ready without them, nor without a
    // bench result. Every validate check is built (V011 since the twenty-fourth session).
    const run = await p.cli(['certify', '--no-disruptive', '--out', file, '--json'], 600_000);
    expect(run.exitCode, run.stderr).toBe(1);
    const cert = JSON.parse(readFileSync(file, 'utf8')) as Certificate;
    expect(cert.gates.map((g) => [g.name, g.passed])).toEqual([
      ['status', true],
      ['validate', true],
      ['e2e', true],
      ['bench', false],
    ]);
    expect(cert.verdict).toBe('not-ready');
    expect(cert.reasons.filter((r) => /not built/.test(r))).toEqual([]);
    expect(cert.reasons).toContainEqual(
      expect.stringMatching(/^e2e: 4 tests skipped \(E43, E62, E63, E64\)/),
    );
    expect(cert.reasons).toContainEqual(expect.stringMatching(/^bench: no bench result/));
    expect(cert.subject.commit).toMatch(/^[0-9a-f]{40}$/);

    const ok = await p.cli(['certify', 'verify', file, '--json']);
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect((ok.json as { data: unknown }).data).toMatchObject({
      valid: true,
      trusted: true,
      verdict: 'not-ready',
    });
    const forged = path.join(p.home, 'forged.json');
    writeFileSync(
      forged,
      JSON.stringify({ ...cert, gates: cert.gates.map((g) => ({ ...g, passed: true })) }),
    );
    const bad = await p.cli(['certify', 'verify', forged, '--json']);
    expect(bad.exitCode).toBe(1);
    expect((bad.json as { data: unknown }).data).toMatchObject({ valid: false });
  }, 660_000);

  test('--grep with no match is a usage error (exit 2); no platform is exit 3', async () => {
    const none = await p.cli(['e2e', '--grep', 'no-such-test-anywhere', '--json']);
    expect(none.exitCode).toBe(2);
    expect((none.json as { error: { code: string } }).error.code).toBe('ALP_E2E_NOTHING_SELECTED');
    const away = await runCli(['e2e', '--json'], {
      env: { ALPHINTRA_HOME: '/nonexistent/alphintra-home' },
    });
    expect(away.exitCode).toBe(3);
    expect((away.json as { error: { code: string } }).error.code).toBe(
      'ALP_E2E_PLATFORM_NOT_RUNNING',
    );
  });
});
