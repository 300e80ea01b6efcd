import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, test } from 'vitest';
import {
  atLeastLevel,
  formatLogLine,
  levelNumber,
  lineTime,
} from '../../cli/lib/runtime/local/log-format.js';
import { mergeByTime } from '../../cli/lib/runtime/local/logs.js';
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

  test('with a filter: the last N lines it keeps, found further back than the default window', async () => {
    const file = path.join(dir, 'filtered.log');
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      i % 5000 === 7 ? `ERROR ${i}` : `ok ${i} ${'x'.repeat(40)}`,
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const keep = (l: string) => l.startsWith('ERROR');
    expect(await tailLines(file, 2, { keep })).toEqual([]); // not in the last 64 KiB
    expect(await tailLines(file, 2, { keep, windowBytes: 1 << 22 })).toEqual([
      'ERROR 10007',
      'ERROR 15007',
    ]);
  });
});

const pino = (level: number, time: number, msg: string) => JSON.stringify({ level, time, msg });

describe('levels and times of log lines', () => {
  test('atLeastLevel: pino lines by their level; anything else (a crash) always passes', () => {
    const warn = levelNumber('warn');
    expect(warn).toBe(40);
    expect(atLeastLevel(pino(30, 1, 'info'), warn)).toBe(false);
    expect(atLeastLevel(pino(40, 1, 'warn'), warn)).toBe(true);
    expect(atLeastLevel(pino(60, 1, 'fatal'), warn)).toBe(true);
    expect(atLeastLevel('TypeError: x is not a function', levelNumber('fatal'))).toBe(true);
    expect(atLeastLevel('{broken', warn)).toBe(true);
  });

  test('lineTime: the pino time, else undefined', () => {
    expect(lineTime(pino(30, 1234, 'x'))).toBe(1234);
    expect(lineTime('    at main (file.js:1:1)')).toBeUndefined();
    expect(lineTime('{"time":"yesterday"}')).toBeUndefined();
  });
});

describe('mergeByTime', () => {
  test('interleaves files by time; a line without one stays after the line before it', () => {
    const merged = mergeByTime([
      {
        label: 'trading-0',
        lines: [pino(30, 10, 'a'), pino(50, 30, 'c'), '    at stack', pino(30, 50, 'e')],
      },
      { label: 'risk-0', lines: ['starting', pino(30, 20, 'b'), pino(30, 40, 'd')] },
    ]);
    expect(merged.map((m) => `${m.instance} ${lineTime(m.line) ?? m.line}`)).toEqual([
      'risk-0 starting',
      'trading-0 10',
      'risk-0 20',
      'trading-0 30',
      'trading-0     at stack',
      'risk-0 40',
      'trading-0 50',
    ]);
  });

  test("keeps one file's order even where its times go backwards", () => {
    const lines = [pino(30, 5, 'late'), pino(30, 3, 'early')];
    expect(mergeByTime([{ label: 'a-0', lines }]).map((m) => m.line)).toEqual(lines);
  });
});
