import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BENCH_ERRORS } from './errors.js';

describe('bench error registry', () => {
  test('every ALP_BENCH_ code thrown by the runner is registered, and every registered one is used', () => {
    const dir = import.meta.dirname;
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.includes('.test.'))) {
      if (f === 'errors.ts') continue;
      for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/'(ALP_BENCH_[A-Z_]+)'/g))
        used.add(m[1]!);
    }
    expect([...used].sort()).toEqual(Object.keys(BENCH_ERRORS).sort());
  });
});
