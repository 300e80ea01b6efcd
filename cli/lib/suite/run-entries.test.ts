import assert from 'node:assert/strict';
import { describe, expect, test } from 'vitest';
import {
  clientAddress,
  describeFailure,
  runEntries,
  tally,
  type EntryResult,
} from './run-entries.js';

describe('clientAddress', () => {
  test('a distinct loopback address per test, valid octets past 250 tests', () => {
    const all = Array.from({ length: 600 }, (_, i) => clientAddress(17, i));
    expect(new Set(all).size).toBe(600);
    expect(all[0]).toBe('127.17.0.1');
    expect(all[249]).toBe('127.17.0.250');
    expect(all[250]).toBe('127.17.1.1');
    for (const a of all) {
      for (const octet of a.split('.').map(Number)) expect(octet).toBeLessThanOrEqual(255);
    }
  });
});

describe('describeFailure', () => {
  test("an assertion's own words with what was expected and what came, on one line", () => {
    const err = (() => {
      try {
        assert.deepEqual({ a: 1 }, { a: 2 }, 'the body');
      } catch (e) {
        return e;
      }
    })();
    expect(describeFailure(err)).toBe('the body (expected { a: 2 }, got { a: 1 })');
  });

  test('assert.ok says its message only; errors say their cause', () => {
    const ok = (() => {
      try {
        assert.ok(false, 'no grant');
      } catch (e) {
        return e;
      }
    })();
    expect(describeFailure(ok)).toBe('no grant (expected true, got false)');
    const cause = new Error('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    expect(describeFailure(cause)).toBe('fetch failed: connect ECONNREFUSED');
    expect(describeFailure('plain')).toBe('plain');
  });
});

describe('runEntries', () => {
  test('shared entries run side by side, lone ones after them one by one; each result told once', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const entry = (id: string, alone = false) => ({
      id,
      title: id,
      alone,
      run: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        log.push(`start ${id}${alone ? ` with ${inFlight - 1} others` : ''}`);
        await new Promise((r) => setTimeout(r, 20));
        inFlight -= 1;
      },
    });
    const results: EntryResult[] = [];
    await runEntries([entry('a'), entry('L', true), entry('b'), entry('c')], {
      makeContext: () => undefined,
      indexOf: () => 0,
      timeoutMs: 1_000,
      concurrency: 2,
      signal: new AbortController().signal,
      record: (r) => results.push(r),
    });
    expect(most).toBe(2);
    expect(log.at(-1)).toBe('start L with 0 others');
    expect(results.map((r) => [r.id, r.status]).sort()).toEqual([
      ['L', 'passed'],
      ['a', 'passed'],
      ['b', 'passed'],
      ['c', 'passed'],
    ]);
    expect(tally(results, 10)).toEqual({
      total: 10,
      selected: 4,
      passed: 4,
      failed: 0,
      'not-built': 0,
      skipped: 0,
    });
  });

  test('an interrupted run starts nothing more', async () => {
    const stop = new AbortController();
    const ran: string[] = [];
    await runEntries(
      ['a', 'b', 'c'].map((id) => ({
        id,
        title: id,
        run: async () => {
          ran.push(id);
          stop.abort('SIGINT');
        },
      })),
      {
        makeContext: () => undefined,
        indexOf: () => 0,
        timeoutMs: 1_000,
        concurrency: 1,
        signal: stop.signal,
        record: () => undefined,
      },
    );
    expect(ran).toEqual(['a']);
  });
});
