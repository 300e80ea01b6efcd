import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, test } from 'vitest';
import { formatLogLine } from '../../cli/lib/runtime/local/log-format.js';
import { tailLines } from '../../cli/lib/runtime/local/log-tail.js';

const plain = new Chalk({ level: 0 });

describe('formatLogLine', () => {
  test('pino JSON -> time LEVEL msg key=value (pid, hostname, service hidden)', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 0, 1, 12, 34, 56, 789),
      pid: 1,
      hostname: 'h',
      service: 'risk',
      instance: 'risk-0',
      reqId: 'r1',
      msg: 'slow query',
      ms: 120,
    });
    expect(formatLogLine(line, plain)).toBe('12:34:56.789 WARN  slow query reqId=r1 ms=120');
  });

  test('anything else is shown as it is', () => {
    expect(formatLogLine('    at main (file.js:1:1)', plain)).toBe('    at main (file.js:1:1)');
    expect(formatLogLine('{not json', plain)).toBe('{not json');
  });
});

describe('tailLines', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'alp-tail-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the last N lines; [] for a missing file', async () => {
    const file = path.join(dir, 'a.log');
    writeFileSync(file, 'one\ntwo\nthree\n');
    expect(await tailLines(file, 2)).toEqual(['two', 'three']);
    expect(await tailLines(file, 10)).toEqual(['one', 'two', 'three']);
    expect(await tailLines(path.join(dir, 'missing.log'), 5)).toEqual([]);
  });

  test('a file larger than the window drops its cut first line', async () => {
    const file = path.join(dir, 'big.log');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const tail = await tailLines(file, 100000);
    expect(tail.at(-1)).toBe(lines.at(-1));
    expect(tail.every((l) => /^line \d+ x{20}$/.test(l))).toBe(true);
  });
});
