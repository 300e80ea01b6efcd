import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runDown } from '../../cli/lib/runtime/local/down.js';
import { resolveHome } from '../../cli/lib/runtime/local/paths.js';

describe('down --purge', () => {
  const made: string[] = [];
  const home = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alp-purge-'));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test('removes a home holding only what the runtime creates there', async () => {
    const paths = resolveHome({ ALPHINTRA_HOME: home() });
    for (const dir of [paths.logs, paths.keys, paths.sockets, paths.data]) mkdirSync(dir);
    writeFileSync(path.join(paths.logs, 'gateway.log'), '{}\n');
    writeFileSync(`${paths.state}.tmp-1`, '{}');

    const result = await runDown(paths, { purge: true });

    expect(result).toMatchObject({ wasRunning: false, purged: true });
    expect(existsSync(paths.home)).toBe(false);
  });

  test('refuses a home with anything else in it, and deletes nothing', async () => {
    const paths = resolveHome({ ALPHINTRA_HOME: home() });
    mkdirSync(paths.sockets);
    writeFileSync(path.join(paths.home, 'notes.txt'), 'mine');

    await expect(runDown(paths, { purge: true })).rejects.toMatchObject({
      code: 'ALP_RUNTIME_PURGE_REFUSED',
      problems: ['unexpected entry: notes.txt'],
    });
    expect(existsSync(path.join(paths.home, 'notes.txt'))).toBe(true);
    expect(existsSync(paths.sockets)).toBe(true);
  });
});
