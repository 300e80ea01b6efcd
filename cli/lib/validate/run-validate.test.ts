import assert from 'node:assert/strict';
import { describe, expect, test } from 'vitest';
import { resolveHome } from '../runtime/local/paths.js';
import { NO_PLATFORM, skip, type CheckEntry } from './checks.js';
import { renderValidate } from './render.js';
import { runValidate, selectChecks } from './run-validate.js';
import { Chalk } from 'chalk';

const suite: CheckEntry[] = [
  { id: 'X1', phase: 'S', title: 'passes', run: async (ctx) => ctx.note('saw it') },
  {
    id: 'X2',
    phase: 'S',
    title: 'fails',
    run: async () => assert.equal(1 + 1, 3, 'arithmetic'),
  },
  { id: 'X3', phase: 'S', title: 'skips', run: async () => skip('not here') },
  { id: 'X4', phase: 'S', title: 'is missing', missing: 'no manifests' },
  { id: 'X5', phase: 'L', title: 'needs the platform', run: async (ctx) => void ctx.live() },
  { id: 'X6', phase: 'K', title: 'kubernetes', run: async () => undefined },
  { id: 'X7', phase: 'S', title: 'hangs', run: () => new Promise(() => undefined) },
];

describe('runValidate', () => {
  test('each status, with its reason; no platform skips the live checks', async () => {
    const r = await runValidate({
      paths: resolveHome({ ALPHINTRA_HOME: '/nonexistent/alphintra-validate' }),
      checks: suite,
      command: 'test',
      timeoutMs: 300,
    });
    expect(r.checks.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['X1', 'passed', null],
      ['X2', 'failed', 'arithmetic (expected 3, got 2)'],
      ['X3', 'skipped', 'not here'],
      ['X4', 'not-built', 'no manifests'],
      ['X5', 'skipped', NO_PLATFORM],
      ['X6', 'skipped', 'kubernetes only (local target)'],
      ['X7', 'failed', 'no result within 0.3 s'],
    ]);
    expect(r.checks[0]!.notes).toEqual(['saw it']);
    expect(r.counts).toEqual({
      total: 7,
      selected: 7,
      passed: 1,
      failed: 2,
      skipped: 3,
      'not-built': 1,
    });
    expect(r.passed).toBe(false);
    expect(r.platform).toBeNull();
    const text = renderValidate(r, new Chalk({ level: 0 }));
    expect(text).toContain('FAIL      X2 fails');
    expect(text).toContain('validate failed');
  });

  test('selection by phase and grep', () => {
    expect(selectChecks(suite, { phases: ['L', 'K'] }).map((c) => c.id)).toEqual(['X5', 'X6']);
    expect(selectChecks(suite, { grep: 'MISSING' }).map((c) => c.id)).toEqual(['X4']);
    expect(selectChecks(suite, { phases: ['S'], grep: 'x1' }).map((c) => c.id)).toEqual(['X1']);
  });
});
