import { describe, expect, test } from 'vitest';
import { selectTests } from './run-e2e.js';
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
