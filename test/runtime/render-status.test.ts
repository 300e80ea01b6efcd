import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import { summarizeQueues } from '../../cli/lib/runtime/local/bus-view.js';
import {
  formatCpu,
  formatUptime,
  renderEvents,
  renderStatus,
} from '../../cli/lib/runtime/local/render-status.js';
import { notRunning, type PlatformStatus } from '../../cli/lib/runtime/local/status.js';

const plain = new Chalk({ level: 0 });

const instance = (id: string, port: number, ready: boolean, pid: number | null) => ({
  id,
  index: Number(id.split('-').at(-1)),
  port,
  url: `http://127.0.0.1:${port}`,
  pid,
  alive: pid !== null,
  ready,
  detail: ready ? 'ready' : pid === null ? 'stopped' : '503 (postgres: ECONNREFUSED)',
  uptimeS: pid === null ? null : 75,
  cpuS: pid === null ? null : 12.34,
  memory: pid === null ? null : { processes: 1, rssMiB: 90, pssMiB: 51 },
  restarts: 0,
  log: '',
});

describe('renderStatus', () => {
  test('one row per service; not-ready instances say why', () => {
    const status: PlatformStatus = {
      ...notRunning('/h'),
      running: true,
      mode: 'detached',
      phase: 'running',
      postgres: { kind: 'embedded', url: 'postgres://127.0.0.1:4099/', pid: 9, alive: true },
      memory: { services: { processes: 3, rssMiB: 300, pssMiB: 150 }, postgres: null },
      services: [
        {
          name: 'auth',
          ready: true,
          urls: ['http://127.0.0.1:4010'],
          pids: [11],
          instances: [instance('auth-0', 4010, true, 11)],
        },
        {
          name: 'trading',
          ready: false,
          urls: ['http://127.0.0.1:4020', 'http://127.0.0.1:4120'],
          pids: [12],
          instances: [
            instance('trading-0', 4020, true, 12),
            instance('trading-1', 4120, false, null),
          ],
        },
      ],
    };
    expect(renderStatus(status, plain)).toMatchInlineSnapshot(`
      "SERVICE  INSTANCES  URL                                          READY                    PID  UPTIME  CPU    MEM (PSS)  RESTARTS
      auth     1/1        http://127.0.0.1:4010                        yes                      11   1m15s   12.3s  51 MiB     0
      trading  1/2        http://127.0.0.1:4020,http://127.0.0.1:4120  no (trading-1: stopped)  12   1m15s   12.3s  51 MiB     0

      PostgreSQL: embedded postgres://127.0.0.1:4099/
      Redis: none (in-process stores)
      Memory: services RSS 300 MiB (PSS 150 MiB)
      Home: /h (detached)"
    `);
  });

  test.each([
    ['detached', 'running', true, '(detached)'],
    ['detached', 'running', false, '(detached)'],
    ['foreground', 'running', true, '(foreground)'],
    [
      'foreground',
      'running',
      false,
      '(foreground, but its `up` (pid 77) is gone: no logs stream and Ctrl-C stops nothing; `alphintra down` stops it)',
    ],
    ['detached', 'starting', true, '(detached, starting)'],
    [
      'detached',
      'starting',
      false,
      '(detached, start interrupted: its `up` (pid 77) is gone; `alphintra down` stops what it started)',
    ],
  ] as const)('the home line, %s and %s, its up alive: %s', (mode, phase, alive, said) => {
    const status: PlatformStatus = {
      ...notRunning('/h'),
      running: true,
      mode,
      phase,
      cli: { pid: 77, alive },
    };
    expect(renderStatus(status, plain).split('\n').at(-1)).toBe(`Home: /h ${said}`);
  });

  test('nothing running', () => {
    expect(renderStatus(notRunning('/h'), plain)).toBe(
      'Nothing is running in /h. Start it with: alphintra up --detach',
    );
  });
});

describe('formatCpu', () => {
  test.each([
    [null, '-'],
    [0.42, '0.42s'],
    [12.34, '12.3s'],
    [184, '3m04s'],
  ])('%s -> %s', (s, expected) => {
    expect(formatCpu(s)).toBe(expected);
  });
});

describe('formatUptime', () => {
  test.each([
    [null, '-'],
    [5, '5s'],
    [75, '1m15s'],
    [3725, '1h02m'],
  ])('%s -> %s', (s, expected) => {
    expect(formatUptime(s)).toBe(expected);
  });
});

describe('renderEvents', () => {
  const queue = (name: string, waiting: number, oldestWaitingS = 0) => ({
    name,
    waiting,
    active: 0,
    failed: 0,
    oldestWaitingS,
  });

  test('a drained bus is one short line', () => {
    expect(renderEvents(summarizeQueues([]), plain)).toBe('Events: 0 waiting; 0 dead-lettered');
  });

  test('waiting deliveries name their queues and the oldest wait; dead letters are counted apart', () => {
    const events = summarizeQueues([
      queue('notification.OrderFilled', 21576, 3725),
      queue('risk.OrderFilled', 823, 4),
      queue('risk.OrderFilled.dead', 2, 9000),
    ]);
    expect(events).toMatchObject({ waiting: 22399, deadLettered: 2, oldestWaitingS: 3725 });
    expect(renderEvents(events, plain)).toBe(
      'Events: 22399 waiting (notification.OrderFilled 21576, risk.OrderFilled 823), oldest 1h02m; ' +
        '2 dead-lettered (risk.OrderFilled.dead 2)',
    );
  });

  test('a bus that cannot be read says why', () => {
    expect(renderEvents({ ok: false, error: 'ECONNREFUSED' }, plain)).toBe(
      'Events: the bus could not be read (ECONNREFUSED)',
    );
  });
});
