import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// The services that handle money, and the platform kit that builds their pg pool.
const services = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MONEY_SERVICES = ['trading', 'risk', 'broker'];

function sources(dir: string): string[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|sql)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function offenders(files: readonly string[], pattern: RegExp): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      // SQL comments may talk about floats; only code counts.
      .map((line) => (file.endsWith('.sql') ? line.replace(/--.*$/, '') : line))
      .flatMap((line, i) =>
        pattern.test(line) ? [`${relative(services, file)}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
}

describe('no float ever touches money', () => {
  const money = MONEY_SERVICES.flatMap((s) => sources(join(services, s)));

  test('the money services are where this test looks', () => {
    expect(money.some((f) => f.endsWith('order-reducer.ts'))).toBe(true);
  });

  test('no float parsing in the money services', () => {
    expect(
      offenders(
        money,
        /parseFloat|Number\.parseFloat|\bparseInt\s*\(\s*(price|qty|quantity|amount)/,
      ),
    ).toEqual([]);
  });

  test('no float column types in their migrations', () => {
    expect(
      offenders(money, /\b(real|double precision|float[48]?|money)\b(?!\s*\()/i).filter((l) =>
        l.includes('.sql:'),
      ),
    ).toEqual([]);
  });

  test('nobody installs a float parser for numeric in pg (OID 1700 stays a string)', () => {
    const everywhere = [...money, ...sources(join(services, 'platform'))];
    expect(offenders(everywhere, /setTypeParser\s*\(\s*(1700|.*NUMERIC)/)).toEqual([]);
  });

  test('only decimal.js does decimal arithmetic (no other decimal library is imported)', () => {
    expect(
      offenders(money, /from ['"](big\.js|bignumber\.js|decimal\.js-light|dinero\.js)['"]/),
    ).toEqual([]);
  });
});
