import type { ChalkInstance } from 'chalk';
import { renderTable } from '../../output/table.js';
import type { EventsView } from './bus-view.js';
import type { PlatformStatus } from './status.js';

export function formatUptime(s: number | null): string {
  if (s === null) return '-';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** CPU time: `0.42s`, `12.3s`, then as an uptime (`3m04s`, `1h02m`). */
export function formatCpu(s: number | null): string {
  if (s === null) return '-';
  if (s < 1) return `${s.toFixed(2)}s`;
  if (s < 60) return `${s.toFixed(1)}s`;
  return formatUptime(Math.round(s));
}

/** The sum of the running instances' values; null when none of them has one. */
function sumOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

/** `alphintra status` for humans: one row per service, the instances folded into it. */
export function renderStatus(status: PlatformStatus, c: ChalkInstance): string {
  if (!status.running && status.services.length === 0) {
    return `Nothing is running in ${status.home}. Start it with: alphintra up --detach`;
  }
  const rows = status.services.map((s) => {
    const ready = s.instances.filter((i) => i.ready).length;
    const notReady = s.instances.filter((i) => !i.ready).map((i) => `${i.id}: ${i.detail}`);
    return [
      s.name,
      `${ready}/${s.instances.length}`,
      s.urls.join(','),
      s.ready ? 'yes' : `no (${notReady.join('; ')})`,
      s.pids.length > 0 ? s.pids.join(',') : '-',
      formatUptime(
        Math.max(...s.instances.map((i) => i.uptimeS ?? -1)) < 0
          ? null
          : Math.max(...s.instances.map((i) => i.uptimeS ?? 0)),
      ),
      formatCpu(sumOf(s.instances.map((i) => i.cpuS))),
      ((pss) => (pss === null ? '-' : `${pss} MiB`))(
        sumOf(s.instances.map((i) => i.memory?.pssMiB ?? null)),
      ),
      String(s.instances.reduce((n, i) => n + i.restarts, 0)),
      // What discovery lists (the gateway routes by it), only when it could be read.
      ...(status.discovery ? [s.registered ? String(s.registered.length) : '-'] : []),
    ];
  });
  const table = renderTable(
    [
      'SERVICE',
      'INSTANCES',
      'URL',
      'READY',
      'PID',
      'UPTIME',
      'CPU',
      'MEM (PSS)',
      'RESTARTS',
      ...(status.discovery ? ['REGISTERED'] : []),
    ],
    rows,
    (r, col, cell) => {
      if (col !== 3) return cell;
      return status.services[r]?.ready ? c.green(cell) : c.red(cell);
    },
  );
  const pg = status.postgres;
  const footer = [
    pg
      ? `PostgreSQL: ${pg.kind} ${pg.url}${pg.alive === false ? c.red(' (not running)') : ''}`
      : undefined,
    `Redis: ${status.redis ?? 'none (in-process stores)'}`,
    ...(status.discovery
      ? [
          status.discovery.ok
            ? `Discovery: ${status.discovery.registered} instances registered`
            : c.yellow(`Discovery: could not be read (${status.discovery.error})`),
        ]
      : []),
    ...(status.events ? [renderEvents(status.events, c)] : []),
    ...(status.memory?.services
      ? [
          `Memory: services RSS ${status.memory.services.rssMiB} MiB (PSS ${status.memory.services.pssMiB} MiB)` +
            (status.memory.postgres
              ? `, PostgreSQL RSS ${status.memory.postgres.rssMiB} MiB (PSS ${status.memory.postgres.pssMiB} MiB)`
              : ''),
        ]
      : []),
    `Home: ${status.home}${status.mode ? ` (${modeOf(status, c)})` : ''}`,
  ].filter((l): l is string => l !== undefined);
  return [table, '', ...footer].join('\n');
}

/**
 * How the platform runs, and whether the `up` behind it is still there: one that died while
 * starting left a half-started platform, and a foreground one that died streams no more logs.
 */
function modeOf(status: PlatformStatus, c: ChalkInstance): string {
  const gone = status.cli && !status.cli.alive ? status.cli.pid : undefined;
  if (status.phase === 'starting') {
    return gone === undefined
      ? `${status.mode}, starting`
      : c.yellow(
          `${status.mode}, start interrupted: its \`up\` (pid ${gone}) is gone; \`alphintra down\` stops what it started`,
        );
  }
  if (status.mode === 'foreground' && gone !== undefined)
    return c.yellow(
      `foreground, but its \`up\` (pid ${gone}) is gone: no logs stream and Ctrl-C stops nothing; \`alphintra down\` stops it`,
    );
  return status.mode ?? '';
}

/** One line on the event bus: what waits for a consumer and what was dead-lettered. */
export function renderEvents(events: EventsView, c: ChalkInstance): string {
  if (!events.ok) return c.yellow(`Events: the bus could not be read (${events.error})`);
  const waitingQueues = events.queues.filter((q) => !q.name.endsWith('.dead') && q.waiting > 0);
  const deadQueues = events.queues.filter((q) => q.name.endsWith('.dead') && q.waiting > 0);
  const list = (qs: typeof events.queues) =>
    qs.length > 0 ? ` (${qs.map((q) => `${q.name} ${q.waiting}`).join(', ')})` : '';
  const waiting =
    `${events.waiting} waiting${list(waitingQueues)}` +
    (events.waiting > 0 ? `, oldest ${formatUptime(events.oldestWaitingS)}` : '');
  const dead = `${events.deadLettered} dead-lettered${list(deadQueues)}`;
  return `Events: ${waiting}; ${events.deadLettered > 0 ? c.yellow(dead) : dead}`;
}
