import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Scenario } from '../scenarios/scenario.js';
import { readCpuTimes } from './process-cpu.js';
import { runScenario } from './run-scenario.js';

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

  test('every measured run carries CPU per response by process group', async () => {
    const scenario = {
      id: 'gateway',
      title: 'tiny',
      source: 'test',
      target: 'gateway',
      request: { method: 'GET', path: '/work' },
      auth: 'none',
      connections: 2,
      durationS: 1,
      warmupS: 0,
      slo: { p99Ms: 1000, minRps: 0, maxErrorRate: 0 },
    } as unknown as Scenario;
    const lines: string[] = [];
    const runs = await runScenario(scenario, { gateway: url }, [], {
      rate: undefined,
      repeat: 2,
      progress: (l) => lines.push(l),
      cpuTimes: () => readCpuTimes([{ name: 'server', pid: process.pid }]),
    });
    expect(runs.runs).toHaveLength(2);
    for (const r of runs.runs) {
      expect(r.requests).toBeGreaterThan(0);
      // The server and the load generator share this process: at least the server's 0.2 ms.
      expect(r.cpuMsPerResponse?.server).toBeGreaterThanOrEqual(0.2);
    }
    expect(lines.filter((l) => /CPU \d+\.\d\d ms\/response: server/.test(l))).toHaveLength(2);
  });
});
