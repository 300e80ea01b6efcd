import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  pgDataDir,
  resolveHome,
  serviceCommand,
  UNREACHABLE_HOME_PG_ROOT,
} from '../../cli/lib/runtime/local/paths.js';

describe('serviceCommand', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'alp-entry-'));
  const entry = { root, packageRoot: root, fromSource: false };

  test('from sources: tsx runs the service entry', () => {
    expect(serviceCommand({ ...entry, fromSource: true }, 'risk')).toEqual([
      '--import',
      'tsx',
      path.join(root, 'services', 'risk', 'main.ts'),
    ]);
  });

  test('built without bundles: the tsc output', () => {
    expect(serviceCommand(entry, 'risk')).toEqual([path.join(root, 'services', 'risk', 'main.js')]);
  });

  test('a bundle runs without --enable-source-maps (the map would stay in every heap)', () => {
    mkdirSync(path.join(root, 'bundles'), { recursive: true });
    writeFileSync(path.join(root, 'bundles', 'user.mjs'), '');
    expect(serviceCommand(entry, 'user')).toEqual([path.join(root, 'bundles', 'user.mjs')]);
  });
});

describe('pgDataDir', () => {
  test('not root: the data lives in the home', () => {
    expect(pgDataDir('/root/project/.alphintra', false)).toBe('/root/project/.alphintra/data/pg');
  });

  test('root with a home the postgres user cannot reach: a per-home folder it can', () => {
    const home = path.join(mkdtempSync(path.join(tmpdir(), 'alp-paths-')), 'home'); // mkdtemp is 0700
    const dir = pgDataDir(home, true);
    expect(dir).toMatch(new RegExp(`^${UNREACHABLE_HOME_PG_ROOT}/[0-9a-f]{16}/pg$`));
    expect(pgDataDir(home, true)).toBe(dir);
    expect(pgDataDir(`${home}-other`, true)).not.toBe(dir);
  });

  test('root with a reachable home: the data stays in the home, and so does its log', () => {
    const paths = resolveHome({ ALPHINTRA_HOME: '/tmp/alphintra-reachable' }, '/');
    expect(pgDataDir('/tmp/alphintra-reachable', true)).toBe('/tmp/alphintra-reachable/data/pg');
    expect(paths.pgLog).toBe('/tmp/alphintra-reachable/logs/postgres.log');
  });
});
