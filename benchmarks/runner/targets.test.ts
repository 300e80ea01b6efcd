import { describe, expect, test } from 'vitest';
import { SERVICE_NAMES } from '../../services/catalog.js';
import type { RuntimeState } from '../../cli/lib/runtime/local/state.js';
import { targetUrlsOf } from './targets.js';

const instance = (
  service: 'gateway' | 'user',
  index: number,
  port: number,
  pid: number | null,
) => ({
  service,
  index,
  id: `${service}-${index}`,
  port,
  pid,
  startedAt: null,
  log: `/tmp/${service}.log`,
  restarts: 0,
});

const state: RuntimeState = {
  version: 1,
  phase: 'running',
  mode: 'detached',
  cliPid: 1,
  startedAt: '2026-11-25T09:00:00.000Z',
  options: {
    portBase: 6000,
    dbPrefix: 'alphintra',
    profile: 'dev',
    logLevel: 'info',
    readyTimeoutMs: 30_000,
    scale: Object.fromEntries(SERVICE_NAMES.map((n) => [n, 1])) as RuntimeState['options']['scale'],
  },
  redisUrl: null,
  postgres: null,
  instances: [
    instance('gateway', 1, 6100, 11),
    instance('gateway', 0, 6000, 10),
    instance('user', 0, 6011, 12),
  ],
};

describe('targetUrlsOf', () => {
  test('the lowest-index live instance of each service', () => {
    expect(targetUrlsOf(state, () => true)).toEqual({
      gateway: 'http://127.0.0.1:6000',
      user: 'http://127.0.0.1:6011',
    });
  });

  test('dead instances are skipped: the next live one, or none', () => {
    expect(targetUrlsOf(state, (pid) => pid === 11)).toEqual({ gateway: 'http://127.0.0.1:6100' });
  });
});
