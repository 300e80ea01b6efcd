import assert from 'node:assert/strict';
import { describe, expect, test } from 'vitest';
import { clientAddress, describeFailure, selectTests } from './run-e2e.js';
import { area } from './suite.js';

const suite = [
  ...area('edge', [
    { id: 'E01', title: 'health through the gateway', run: async () => undefined },
    { id: 'E02', title: 'unknown route', missing: 'x' },
  ]),
  ...area('auth', [{ id: 'E07', title: 'register', run: async () => undefined }]),
];

describe('selectTests', () => {
  test('all by default; by area; by id or a word of the title, any case', () => {
    expect(selectTests(suite, {}).map((e) => e.id)).toEqual(['E01', 'E02', 'E07']);
    expect(selectTests(suite, { areas: ['auth'] }).map((e) => e.id)).toEqual(['E07']);
    expect(selectTests(suite, { grep: 'e02' }).map((e) => e.id)).toEqual(['E02']);
    expect(selectTests(suite, { grep: 'GATEWAY' }).map((e) => e.id)).toEqual(['E01']);
    expect(selectTests(suite, { areas: ['auth'], grep: 'gateway' })).toEqual([]);
  });
});

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
