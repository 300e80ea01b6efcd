import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import { renderSuite } from './render.js';
import { tally, type EntryResult } from './run-entries.js';

const plain = new Chalk({ level: 0 });
const result = (
  id: string,
  group: string,
  status: EntryResult['status'],
  reason: string | null = null,
) => ({
  id,
  title: `title of ${id}`,
  status,
  ms: status === 'passed' || status === 'failed' ? 12.4 : 0,
  reason,
  notes: id === 'A1' ? ['a note'] : [],
  group,
});

describe('renderSuite', () => {
  test('grouped lines, the reason and notes under each, the counts and the outcome', () => {
    const results = [
      result('A1', 'edge', 'passed'),
      result('A2', 'edge', 'failed', 'expected 200, got 503'),
      result('B1', 'auth', 'not-built', 'no such route'),
      result('B2', 'auth', 'skipped', '--no-disruptive'),
    ];
    const text = renderSuite(
      {
        header: 'alphintra e2e',
        name: 'e2e',
        results,
        groupOf: (r) => r.group,
        counts: tally(results, 67),
        durationMs: 1234,
        passed: false,
        interrupted: null,
      },
      plain,
    );
    expect(text.split('\n')).toEqual([
      'alphintra e2e',
      '',
      'edge',
      '  pass      A1 title of A1 12 ms',
      '            a note',
      '  FAIL      A2 title of A2 12 ms',
      '            expected 200, got 503',
      'auth',
      '  not built B1 title of B1',
      '            no such route',
      '  skipped   B2 title of B2',
      '            --no-disruptive',
      '',
      "1 passed, 1 failed, 1 not built, 1 skipped (4 of the suite's 67 selected) in 1.2 s",
      'e2e failed',
    ]);
  });
});
