import { describe, expect, test } from 'vitest';
import { formatBaseline } from './baseline-store.js';

describe('formatBaseline', () => {
  test('arrays of numbers on one line, objects expanded, trailing newline (as Prettier prints)', () => {
    const text = formatBaseline({
      version: 1,
      scenario: 'read',
      load: { mode: 'closed', connections: 100, users: 1, rate: null, durationS: 10 },
      createdAt: '2026-11-25T09:00:00.000Z',
      command: 'alphintra bench read --save-baseline',
      machine: { cpus: 2, node: 'v20.20.2', loadAverage: [2.56, 5.17, 6.51] },
      samples: [{ rps: 924.402, p50: 101, p99: 208, errorRate: 0 }],
    });
    expect(text).toContain('"loadAverage": [2.56, 5.17, 6.51]\n');
    expect(text).toContain('  "samples": [\n    {\n      "rps": 924.402,\n');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ machine: { loadAverage: [2.56, 5.17, 6.51] } });
  });
});
