import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  claimState,
  classifyState,
  instanceUrl,
  readState,
  removeState,
  serviceUrl,
  writeState,
  type RuntimeState,
} from '../../cli/lib/runtime/local/state.js';
import { recordedInstance, runtimeState } from '../support/runtime-state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmpFile = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'alp-state-'));
  dirs.push(d);
  return path.join(d, 'home', 'state.json');
};

const state = (over: Partial<RuntimeState> = {}): RuntimeState => ({
  version: 1,
  phase: 'running',
  mode: 'detached',
  cliPid: 100,
  startedAt: '2026-01-01T00:00:00.000Z',
  options: {
    portBase: 4000,
    dbPrefix: 'alphintra',
    profile: 'dev',
    logLevel: 'info',
    readyTimeoutMs: 30000,
    scale: {} as never,
  },
  redisUrl: null,
  postgres: null,
  instances: [
    {
      service: 'auth',
      index: 0,
      id: 'auth-0',
      port: 4010,
      pid: 201,
      startedAt: null,
      log: '/l/auth.log',
      restarts: 0,
    },
    {
      service: 'risk',
      index: 0,
      id: 'risk-0',
      port: 4021,
      pid: 202,
      startedAt: null,
      log: '/l/risk.log',
      restarts: 0,
    },
  ],
  ...over,
});

describe('state file', () => {
  test('missing -> undefined; written -> read back; mode 0600', async () => {
    const file = tmpFile();
    expect(await readState(file)).toBeUndefined();
    await writeState(file, state());
    expect(await readState(file)).toEqual(state());
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test('unreadable JSON or another version is reported as corrupt', async () => {
    const file = tmpFile();
    await writeState(file, state());
    writeFileSync(file, '{"version":1,"instan');
    expect(await readState(file)).toBe('corrupt');
    writeFileSync(file, JSON.stringify({ version: 2, instances: [] }));
    expect(await readState(file)).toBe('corrupt');
  });

  test('claim succeeds once: a second up cannot claim the same home', async () => {
    const file = tmpFile();
    expect(await claimState(file, state())).toBe(true);
    expect(await claimState(file, state({ cliPid: 999 }))).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).cliPid).toBe(100);
    await removeState(file);
    expect(await readState(file)).toBeUndefined();
  });
});

describe('classifyState', () => {
  const aliveOnly =
    (...pids: number[]) =>
    (pid: number | null) =>
      pid !== null && pids.includes(pid);

  test.each([
    ['any instance alive -> running', state(), aliveOnly(202), 'running'],
    ['nothing alive -> stale', state(), aliveOnly(), 'stale'],
    [
      'starting and its up alive -> starting',
      state({ phase: 'starting' }),
      aliveOnly(100),
      'starting',
    ],
    ['starting but its up gone -> stale', state({ phase: 'starting' }), aliveOnly(), 'stale'],
    ['foreground up alive -> running', state({ mode: 'foreground' }), aliveOnly(100), 'running'],
    ['detached, only the old up pid reused -> stale', state(), aliveOnly(100), 'stale'],
  ] as const)('%s', (_name, s, alive, expected) => {
    expect(classifyState(s, alive)).toBe(expected);
  });
});

describe('serviceUrl', () => {
  const state = runtimeState([
    recordedInstance('trading', 1, 6121, 21),
    recordedInstance('trading', 0, 6120, 20),
    recordedInstance('risk', 0, 6130, null),
  ]);

  test('the lowest-index live instance', () => {
    expect(serviceUrl(state, 'trading', () => true)).toBe('http://127.0.0.1:6120');
    expect(serviceUrl(state, 'trading', (pid) => pid === 21)).toBe('http://127.0.0.1:6121');
  });

  test('a stopped service: none, or with orStopped its first recorded address', () => {
    expect(serviceUrl(state, 'risk', () => false)).toBeUndefined();
    expect(serviceUrl(state, 'risk', () => false, true)).toBe('http://127.0.0.1:6130');
    expect(serviceUrl(state, 'trading', () => false, true)).toBe('http://127.0.0.1:6120');
  });

  test('a service not recorded at all: none', () => {
    expect(serviceUrl(state, 'broker', () => true, true)).toBeUndefined();
  });

  test('an instance is reached on loopback', () => {
    expect(instanceUrl({ port: 7001 })).toBe('http://127.0.0.1:7001');
  });
});
