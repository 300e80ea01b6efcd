import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import { renderStatus } from '../../cli/lib/runtime/local/render-status.js';
import { notRunning, type PlatformStatus } from '../../cli/lib/runtime/local/status.js';

/** `alphintra status` for humans: the REGISTERED column and the discovery line. */

const plain = new Chalk({ level: 0 });

const trading = (registered: number | undefined): PlatformStatus['services'][number] => ({
  name: 'trading',
  ready: true,
  urls: ['http://127.0.0.1:4020'],
  pids: [12],
  instances: [
    {
      id: 'trading-0',
      index: 0,
      port: 4020,
      url: 'http://127.0.0.1:4020',
      pid: 12,
      alive: true,
      ready: true,
      detail: 'ready',
      uptimeS: 5,
      cpuS: null,
      memory: null,
      restarts: 0,
      log: '',
    },
  ],
  ...(registered !== undefined && {
    registered: Array.from({ length: registered }, (_, i) => ({
      instanceId: `trading-${i}`,
      url: `http://127.0.0.1:${4020 + 100 * i}`,
      leaseRemainingMs: 14_000,
    })),
  }),
});

const base = (over: Partial<PlatformStatus>): PlatformStatus => ({
  ...notRunning('/h'),
  running: true,
  mode: 'detached',
  phase: 'running',
  ...over,
});

describe('renderStatus with discovery', () => {
  test('read: a REGISTERED column and the total', () => {
    const out = renderStatus(
      base({ services: [trading(1)], discovery: { ok: true, registered: 1 } }),
      plain,
    );
    expect(out).toMatchInlineSnapshot(`
      "SERVICE  INSTANCES  URL                    READY  PID  UPTIME  CPU  MEM (PSS)  RESTARTS  REGISTERED
      trading  1/1        http://127.0.0.1:4020  yes    12   5s      -    -          0         1

      Redis: none (in-process stores)
      Discovery: 1 instances registered
      Home: /h (detached)"
    `);
  });

  test('unreadable: the column says -, the footer says why', () => {
    const out = renderStatus(
      base({ services: [trading(undefined)], discovery: { ok: false, error: 'ECONNREFUSED' } }),
      plain,
    );
    expect(out.split('\n')[1]).toMatch(/ -$/);
    expect(out).toContain('Discovery: could not be read (ECONNREFUSED)');
  });

  test('not read at all (no discovery member): the table is unchanged', () => {
    expect(renderStatus(base({ services: [trading(2)] }), plain)).not.toContain('REGISTERED');
  });
});
