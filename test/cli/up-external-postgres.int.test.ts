import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dropPrefixedDatabases } from '../support/database.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SERVICE_NAMES } from '../../services/catalog.js';
import { planInstances } from '../../cli/lib/runtime/local/port-plan.js';
import {
  assertBuilt,
  killGroups,
  killStartedClis,
  pickPortBase,
  runCli,
  serviceProcessesOn,
} from './cli-process.js';

const DATABASE_URL = process.env.DATABASE_URL;
// Optional: with REDIS_URL the gateway gets it (catalog redis: 'optional'); without, none.
const REDIS_URL = process.env.REDIS_URL;

interface StatusData {
  running: boolean;
  redis: string | null;
  allReady: boolean;
  services: {
    name: string;
    ready: boolean;
    urls: string[];
    pids: number[];
    instances: { restarts: number; cpuS: number | null; memory: { pssMiB: number } | null }[];
  }[];
}

describe.skipIf(!DATABASE_URL)(
  'up --detach against DATABASE_URL (skipped: DATABASE_URL unset)',
  () => {
    const home = mkdtempSync(path.join(tmpdir(), 'alp-up-ext-'));
    const prefix = `t_${Math.random().toString(36).slice(2, 8)}`;
    let portBase = 0;
    let ports: number[] = [];
    const env = (): Record<string, string | undefined> => ({
      ALPHINTRA_HOME: home,
      DATABASE_URL,
      ALPHINTRA_PORT_BASE: String(portBase),
      ALPHINTRA_DB_PREFIX: prefix,
      REDIS_URL,
    });

    beforeAll(async () => {
      assertBuilt();
      portBase = await pickPortBase();
      ports = planInstances(portBase, { trading: 2 }).map((i) => i.port);
    });

    afterAll(async () => {
      killStartedClis();
      await runCli(['down'], { env: env() });
      killGroups(serviceProcessesOn(ports));
      await dropPrefixedDatabases(DATABASE_URL!, prefix);
      rmSync(home, { recursive: true, force: true });
    });

    test(
      'up --detach returns when every service is ready; status --json shows them all',
      { timeout: 120_000 },
      async () => {
        const up = await runCli(['up', '--detach', '--json', '--scale', 'trading=2'], {
          env: env(),
        });
        expect(up.exitCode, up.stdout).toBe(0);
        expect(up.json).toMatchObject({
          apiVersion: 'alphintra/v1',
          ok: true,
          command: 'up',
          data: { alreadyRunning: false, mode: 'detached' },
        });

        const status = await runCli(['status', '--json'], { env: env() });
        expect(status.exitCode).toBe(0);
        const data = (status.json as { data: StatusData }).data;
        expect([data.running, data.allReady]).toEqual([true, true]);
        expect(data.redis).toBe(REDIS_URL ?? null);
        expect(data.services.map((s) => s.name)).toEqual([...SERVICE_NAMES]);
        expect(data.services.every((s) => s.ready && s.pids.length === s.urls.length)).toBe(true);
        expect(data.services.find((s) => s.name === 'trading')?.urls).toEqual([
          `http://127.0.0.1:${portBase + 20}`,
          `http://127.0.0.1:${portBase + 120}`,
        ]);
        expect(serviceProcessesOn(ports)).toHaveLength(11);
        // Every instance that started has used some CPU and holds some memory of its own.
        const instances = data.services.flatMap((s) => s.instances);
        expect(instances.every((i) => i.cpuS !== null && i.cpuS > 0)).toBe(true);
        expect(instances.every((i) => i.memory !== null && i.memory.pssMiB > 0)).toBe(true);
      },
    );

    test('up twice: says it is running, exit 0, starts nothing', { timeout: 60_000 }, async () => {
      const again = await runCli(['up', '--detach', '--json'], { env: env() });
      expect(again.exitCode).toBe(0);
      expect(again.json).toMatchObject({ ok: true, data: { alreadyRunning: true } });
      expect(serviceProcessesOn(ports)).toHaveLength(11);
    });

    test("a service's role cannot connect to another service's database", async () => {
      const passwords = JSON.parse(
        readFileSync(path.join(home, 'keys', 'db-passwords.json'), 'utf8'),
      ) as Record<string, string>;
      const url = new URL(DATABASE_URL ?? '');
      const as = (role: string, database: string) =>
        new pg.Client({
          host: url.hostname,
          port: Number(url.port || 5432),
          user: role,
          password: passwords[role],
          database,
        });
      const own = as(`${prefix}_trading`, `${prefix}_trading`);
      await own.connect();
      expect((await own.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u).toBe(
        `${prefix}_trading`,
      );
      await own.end();
      const other = as(`${prefix}_trading`, `${prefix}_risk`);
      await expect(other.connect()).rejects.toMatchObject({ code: '42501' });
      await other.end().catch(() => undefined);
    });

    test(
      'service stop / start: one service goes down and comes back, counted as a restart',
      { timeout: 90_000 },
      async () => {
        const stop = await runCli(['service', 'stop', 'risk', '--json'], { env: env() });
        expect(stop.json).toMatchObject({
          ok: true,
          data: { service: 'risk', action: 'stop', instances: ['risk-0'] },
        });
        const down = (await runCli(['status', '--json'], { env: env() })).json as {
          data: StatusData;
        };
        expect(down.data.services.find((s) => s.name === 'risk')).toMatchObject({
          ready: false,
          pids: [],
        });
        expect(down.data.allReady).toBe(false);

        const start = await runCli(['service', 'start', 'risk', '--json'], { env: env() });
        expect(start.exitCode, start.stderr).toBe(0);
        expect(start.json).toMatchObject({
          ok: true,
          data: { service: 'risk', action: 'start', instances: ['risk-0'] },
        });
        const up = (await runCli(['status', '--json'], { env: env() })).json as {
          data: StatusData;
        };
        expect(up.data.allReady).toBe(true);
        expect(up.data.services.find((s) => s.name === 'risk')?.instances[0]?.restarts).toBe(1);
      },
    );

    test('logs NAME --json returns the last lines of every instance', async () => {
      const logs = await runCli(['logs', 'trading', '--lines', '5', '--json'], { env: env() });
      expect(logs.exitCode).toBe(0);
      const data = (logs.json as { data: { files: string[]; lines: { instance: string }[] } }).data;
      expect(data.files).toEqual([
        path.join(home, 'logs', 'trading.log'),
        path.join(home, 'logs', 'trading-1.log'),
      ]);
      expect(new Set(data.lines.map((l) => l.instance))).toEqual(
        new Set(['trading-0', 'trading-1']),
      );
    });

    test(
      'down stops every process and keeps the databases; down again says nothing runs',
      { timeout: 60_000 },
      async () => {
        const down = await runCli(['down', '--json'], { env: env() });
        expect(down.exitCode).toBe(0);
        expect(down.json).toMatchObject({ ok: true, data: { wasRunning: true, purged: false } });
        expect((down.json as { data: { stopped: string[] } }).data.stopped).toHaveLength(11);
        expect(serviceProcessesOn(ports)).toEqual([]);

        const again = await runCli(['down'], { env: env() });
        expect(again.exitCode).toBe(0);
        expect(again.stdout).toContain('Nothing was running');
        const status = await runCli(['status', '--json'], { env: env() });
        expect(status.json).toMatchObject({ ok: true, data: { running: false, services: [] } });
      },
    );
  },
);
