import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { metricsPlugin } from '../../services/platform/plugins/metrics.js';
import type { Scenario } from '../scenarios/scenario.js';
import { readGcTotals } from './gc-pauses.js';
import { walPositionOf } from './postgres-wal.js';
import { readCpuTimes, readWaitTimes } from './process-cpu.js';
import { runScenario } from './run-scenario.js';

const tiny = (path: string) =>
  ({
    id: 'gateway',
    title: 'tiny',
    source: 'test',
    target: 'gateway',
    request: { method: 'GET', path },
    auth: 'none',
    connections: 2,
    durationS: 1,
    warmupS: 0,
    slo: { p99Ms: 1000, minRps: 0, maxErrorRate: 0 },
  }) as unknown as Scenario;

// A real, bounded run (2 × ~1 s, 2 connections, loopback) against a server in this process:
// the CPU a run is charged with is read from /proc around it.
describe('runScenario charges each run with the CPU of the platform’s processes', () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = Fastify();
    app.get('/work', async () => {
      const t = process.cpuUsage();
      while (process.cpuUsage(t).user < 200) {
        // 0.2 ms of CPU per request, so the charge is well above a tick's worth
      }
      return { ok: true };
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  test('every measured run carries CPU and waits for a core per response by process group', async () => {
    const lines: string[] = [];
    const runs = await runScenario(tiny('/work'), { gateway: url }, [], {
      rate: undefined,
      repeat: 2,
      progress: (l) => lines.push(l),
      cpuTimes: () => readCpuTimes([{ name: 'server', pid: process.pid }]),
      waitTimes: () => readWaitTimes([{ name: 'server', pid: process.pid }]),
    });
    expect(runs.runs).toHaveLength(2);
    for (const r of runs.runs) {
      expect(r.requests).toBeGreaterThan(0);
      // The server and the load generator share this process: at least the server's 0.2 ms.
      expect(r.cpuMsPerResponse?.server).toBeGreaterThanOrEqual(0.2);
      expect(r.waitMsPerResponse?.server).toBeGreaterThanOrEqual(0);
    }
    expect(lines.filter((l) => /CPU \d+\.\d\d ms\/response: server/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /waited for a core \d+\.\d\d ms\/response/.test(l))).toHaveLength(2);
  });
});

// A server with the services' metrics plugin whose route allocates 1 MB per request, so
// its young generation fills and is collected several times a run.
describe('runScenario reports the GC pauses of each run, from the services’ /metrics', () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = Fastify();
    await app.register(metricsPlugin, { service: 'server', instance: 'server-0' });
    app.get('/garbage', async () => {
      let kept = 0;
      for (let i = 0; i < 1024; i++) kept += new Array<number>(128).fill(i).length;
      return { kept };
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  test('every measured run carries the pauses of the group, and its line names them', async () => {
    const lines: string[] = [];
    const runs = await runScenario(tiny('/garbage'), { gateway: url }, [], {
      rate: undefined,
      repeat: 2,
      progress: (l) => lines.push(l),
      gcTotals: () => readGcTotals([{ name: 'server', url }]),
    });
    for (const r of runs.runs) {
      expect(r.requests).toBeGreaterThan(0);
      expect(r.gcPauses?.server?.pauses).toBeGreaterThan(0);
      expect(r.gcPauses?.server?.ms).toBeGreaterThan(0);
    }
    expect(lines.filter((l) => /GC pauses server \d+ \(\d+\.\d ms/.test(l))).toHaveLength(2);
  });
});

// The same, with a server that writes one row of 2,000 bytes per request to a real
// PostgreSQL: the run is charged with the log the server wrote, read from the server.
describe.skipIf(!ADMIN_DATABASE_URL)('runScenario charges each run with PostgreSQL’s WAL', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase('bench_wal');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query('CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY, body text)');
    app = Fastify();
    app.get('/write', async () => {
      // Random text: a repeated one would be compressed in the row and in the log.
      await pool.query(
        `INSERT INTO notes (body)
         SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 63)`,
      );
      return { ok: true };
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  test('a run that writes 2 kB per response is charged at least that', async () => {
    const lines: string[] = [];
    const runs = await runScenario(tiny('/write'), { gateway: url }, [], {
      rate: undefined,
      repeat: 2,
      progress: (l) => lines.push(l),
      walPosition: () => walPositionOf(pool),
    });
    for (const r of runs.runs) {
      // The row (2,016 bytes of text) and its record header, the commit record. No upper
      // bound: the server's log is shared with the test files running at the same time.
      expect(r.walPerResponse!.bytes).toBeGreaterThanOrEqual(2016);
      expect(r.walPerResponse!.records).toBeGreaterThan(0);
    }
    expect(lines.filter((l) => /\d\.\d kB WAL\/response \(\d/.test(l))).toHaveLength(2);
  });
});
