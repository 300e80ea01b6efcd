import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

// The service bundles `npm run build` makes (scripts/bundle-services.mjs); `npm ci` builds them.
const dir = path.join(import.meta.dirname, '..', '..', 'dist', 'bundles');
const bundles = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.mjs')) : [];

describe.skipIf(bundles.length === 0)('service bundles', () => {
  test('one per service with a main.ts', () => {
    const services = readdirSync(path.join(import.meta.dirname, '..', '..', 'services'), {
      withFileTypes: true,
    })
      .filter((d) => d.isDirectory() && existsSync(path.join(d.parentPath, d.name, 'main.ts')))
      .map((d) => `${d.name}.mjs`);
    expect(bundles.sort()).toEqual(services.sort());
  });

  // One non-ASCII character anywhere makes V8 hold the whole source (kept for lazy
  // compilation) at two bytes per character: ~4 MB more in every service's heap.
  test.each(bundles)('%s is ASCII only', (file) => {
    const text = readFileSync(path.join(dir, file), 'latin1');
    // eslint-disable-next-line no-control-regex
    const at = text.search(/[^\x00-\x7f]/);
    expect(at === -1 ? '' : text.slice(Math.max(0, at - 60), at + 20)).toBe('');
  });
});
