import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readDiscovery } from '../../cli/lib/runtime/local/discovery-view.js';
import { resolveHome } from '../../cli/lib/runtime/local/paths.js';
import type { RuntimeState } from '../../cli/lib/runtime/local/state.js';
import { freePort } from '../support/free-port.js';

/*
 * `alphintra status` must say when discovery cannot be read, and never hang on it: a server
 * that is down, one that accepts and never answers, a missing password. (The happy path is
 * proven on a real platform in edge.int.test.ts.)
 */

const PREFIX = 't_dview';

function stateAt(port: number): RuntimeState {
  return {
    version: 1,
    phase: 'running',
    mode: 'detached',
    cliPid: process.pid,
    startedAt: new Date().toISOString(),
    options: {
      portBase: 4000,
      dbPrefix: PREFIX,
      profile: 'dev',
      logLevel: 'info',
      readyTimeoutMs: 1000,
      scale: {} as RuntimeState['options']['scale'],
    },
    redisUrl: null,
    postgres: {
      kind: 'external',
      host: '127.0.0.1',
      port,
      url: `postgres://127.0.0.1:${port}/`,
      startedByUs: false,
    },
    instances: [],
  };
}

describe('readDiscovery when the registry cannot be read', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'alp-dview-'));
  const paths = resolveHome({ ALPHINTRA_HOME: home });
  let silent: Server;
  const sockets = new Set<Socket>();
  let silentPort = 0;

  beforeAll(async () => {
    mkdirSync(paths.keys, { recursive: true });
    writeFileSync(
      path.join(paths.keys, 'db-passwords.json'),
      JSON.stringify({ [`${PREFIX}_discovery`]: 'pw' }),
    );
    // Accepts connections and never says a word (a hung server).
    silent = createServer((s) => {
      sockets.add(s);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    rmSync(home, { recursive: true, force: true });
  });

  test('nothing listening: says ECONNREFUSED', async () => {
    const port = await freePort();
    expect(await readDiscovery(stateAt(port), paths, 2000)).toEqual({
      ok: false,
      error: 'ECONNREFUSED',
    });
  });

  test('a server that never answers: gives up within the budget', async () => {
    const started = Date.now();
    const view = await readDiscovery(stateAt(silentPort), paths, 300);
    expect(view.ok).toBe(false);
    // Generous bound (shared 2-core machine): the point is that it returns at all.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('no password for the discovery role: says so without connecting', async () => {
    const other = resolveHome({ ALPHINTRA_HOME: path.join(home, 'empty') });
    expect(await readDiscovery(stateAt(silentPort), other)).toEqual({
      ok: false,
      error: `no password for role ${PREFIX}_discovery`,
    });
  });

  test('PostgreSQL not resolved yet', async () => {
    expect(await readDiscovery({ ...stateAt(silentPort), postgres: null }, paths)).toEqual({
      ok: false,
      error: 'PostgreSQL not resolved yet',
    });
  });
});
