import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RuntimeState } from '../../cli/lib/runtime/local/state.js';
import {
  describeGcPauses,
  gcPausesBetween,
  metricsTargets,
  parseGcHistogram,
  readGcTotals,
} from './gc-pauses.js';

/** prom-client's exposition of the GC histogram, as a service answers it on /metrics. */
function gcBody(service: string, kinds: Record<string, { buckets: number[]; sum: number }>) {
  const les = ['0.001', '0.01', '0.1', '1', '2', '5', '+Inf'];
  const lines = [
    '# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    '# TYPE nodejs_gc_duration_seconds histogram',
  ];
  for (const [kind, { buckets, sum }] of Object.entries(kinds)) {
    const labels = `service="${service}",instance="${service}-0",kind="${kind}"`;
    les.forEach((le, i) =>
      lines.push(`nodejs_gc_duration_seconds_bucket{le="${le}",${labels}} ${buckets[i]}`),
    );
    lines.push(`nodejs_gc_duration_seconds_sum{${labels}} ${sum}`);
    lines.push(`nodejs_gc_duration_seconds_count{${labels}} ${buckets.at(-1)}`);
  }
  return [
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    'process_cpu_seconds_total{service="x",instance="x-0"} 12.5',
    ...lines,
    'nodejs_eventloop_lag_seconds{service="x",instance="x-0"} 0.001',
    '',
  ].join('\n');
}

describe('parseGcHistogram', () => {
  test('adds the kinds up: pauses, seconds, and those over 10 ms (count minus the 10 ms bucket)', () => {
    const body = gcBody('gateway', {
      minor: { buckets: [3, 60, 69, 70, 70, 70, 70], sum: 0.1682 },
      major: { buckets: [0, 1, 2, 2, 2, 2, 2], sum: 0.031 },
    });
    expect(parseGcHistogram(body)).toEqual({ pauses: 72, seconds: 0.1682 + 0.031, over10ms: 11 });
  });

  test('a body without the histogram is no data, not zero pauses', () => {
    expect(parseGcHistogram('process_cpu_seconds_total 12.5\n')).toBeUndefined();
    expect(parseGcHistogram('')).toBeUndefined();
  });

  test('a histogram declared with no series yet (no collection so far) is zero pauses', () => {
    expect(parseGcHistogram(gcBody('risk', {}))).toEqual({ pauses: 0, seconds: 0, over10ms: 0 });
  });

  test('a 100 ms bucket is not mistaken for the 10 ms one', () => {
    const body = gcBody('user', { minor: { buckets: [0, 4, 9, 9, 9, 9, 9], sum: 0.2 } });
    expect(parseGcHistogram(body)?.over10ms).toBe(5);
  });
});

describe('gcPausesBetween and describeGcPauses', () => {
  const t = (pauses: number, seconds: number, over10ms: number) => ({ pauses, seconds, over10ms });

  test('the difference per group; a restarted instance counts 0; a group read once is left out', () => {
    const before = new Map([
      ['gateway', t(10, 0.02, 0)],
      ['user', t(50, 0.3, 2)],
      ['risk', t(5, 0.01, 0)],
    ]);
    const after = new Map([
      ['gateway', t(31, 0.0682, 2)],
      ['user', t(3, 0.004, 0)],
      ['trading', t(7, 0.01, 0)],
    ]);
    expect(gcPausesBetween(before, after)).toEqual({
      gateway: { pauses: 21, ms: 48.2, over10ms: 2 },
      user: { pauses: 0, ms: 0, over10ms: 0 },
    });
  });

  test('the longest total first; groups that did not pause are left out', () => {
    expect(
      describeGcPauses({
        user: { pauses: 30, ms: 61, over10ms: 0 },
        gateway: { pauses: 21, ms: 48.2, over10ms: 2 },
        risk: { pauses: 0, ms: 0, over10ms: 0 },
      }),
    ).toBe('user 30 (61.0 ms), gateway 21 (48.2 ms, 2 over 10 ms)');
    expect(describeGcPauses({ risk: { pauses: 0, ms: 0, over10ms: 0 } })).toBe('none');
  });
});

describe('metricsTargets', () => {
  test('every instance with a process, under its service name', () => {
    const state = {
      instances: [
        { service: 'trading', index: 0, port: 4020, pid: 11 },
        { service: 'trading', index: 1, port: 4120, pid: 12 },
        { service: 'risk', index: 0, port: 4021, pid: null },
      ],
    } as unknown as RuntimeState;
    expect(metricsTargets(state)).toEqual([
      { name: 'trading', url: 'http://127.0.0.1:4020' },
      { name: 'trading', url: 'http://127.0.0.1:4120' },
    ]);
  });
});

// Real HTTP on loopback: two instances of one service answer their histograms, a third
// target has nothing listening.
describe('readGcTotals', () => {
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];
  let closedUrl: string;

  beforeAll(async () => {
    for (const [i, minor] of [
      [0, [1, 8, 9, 9, 9, 9, 9]],
      [1, [0, 2, 3, 3, 3, 3, 3]],
    ] as const) {
      const app = Fastify();
      app.get('/metrics', async (_req, reply) =>
        reply
          .type('text/plain; version=0.0.4')
          .send(gcBody(`trading-${i}`, { minor: { buckets: [...minor], sum: 0.05 * (i + 1) } })),
      );
      urls.push(await app.listen({ host: '127.0.0.1', port: 0 }));
      apps.push(app);
    }
    const gone = Fastify();
    closedUrl = await gone.listen({ host: '127.0.0.1', port: 0 });
    await gone.close();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });

  test('instances of a service add up; a target that does not answer is left out', async () => {
    const totals = await readGcTotals([
      { name: 'trading', url: urls[0]! },
      { name: 'trading', url: urls[1]! },
      { name: 'risk', url: closedUrl },
    ]);
    expect(totals && Object.fromEntries(totals)).toEqual({
      trading: { pauses: 12, seconds: expect.closeTo(0.15, 9), over10ms: 2 },
    });
  });

  test('undefined when no target answers', async () => {
    expect(await readGcTotals([{ name: 'risk', url: closedUrl }])).toBeUndefined();
  });
});
