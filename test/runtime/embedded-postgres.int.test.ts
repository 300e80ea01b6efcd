import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { planInstances } from '../../cli/lib/runtime/local/port-plan.js';
import { runningPostmaster } from '../../cli/lib/runtime/local/postgres/embedded.js';
import {
  assertBuilt,
  killGroups,
  killStartedClis,
  pickPortBase,
  runCli,
  serviceProcessesOn,
} from '../cli/cli-process.js';

interface UpData {
  alreadyRunning: boolean;
  postgres: { kind: string; initialised: boolean };
  status: { allReady: boolean };
}

/** The default a fresh clone gets: no DATABASE_URL, embedded PostgreSQL under ALPHINTRA_HOME. */
describe('up with the embedded PostgreSQL (no DATABASE_URL)', () => {
  // As root, PostgreSQL runs as the postgres OS user, which must reach the data dir: not 0700.
  const home = mkdtempSync(path.join(tmpdir(), 'alp-embedded-'));
  chmodSync(home, 0o755);
  const pgData = path.join(home, 'data', 'pg');
  let portBase = 0;
  let ports: number[] = [];
  const env = (): Record<string, string | undefined> => ({
    ALPHINTRA_HOME: home,
    ALPHINTRA_PORT_BASE: String(portBase),
  });

  beforeAll(async () => {
    assertBuilt();
    portBase = await pickPortBase();
    ports = planInstances(portBase, {}).map((i) => i.port);
  });

  afterAll(async () => {
    killStartedClis();
    await runCli(['down', '--purge'], { env: env() });
    killGroups(serviceProcessesOn(ports));
    rmSync(home, { recursive: true, force: true });
  });

  test(
    'first up initialises the cluster; every service is ready',
    { timeout: 180_000 },
    async () => {
      const up = await runCli(['up', '--detach', '--json'], { env: env() });
      expect(up.exitCode, up.stdout).toBe(0);
      const data = (up.json as { data: UpData }).data;
      expect(data.postgres).toMatchObject({ kind: 'embedded', initialised: true });
      expect(data.status.allReady).toBe(true);
      expect(await runningPostmaster(pgData)).toMatchObject({
        port: portBase + 99,
        socketDir: path.join(home, 'data', 'run'),
      });
      for (const f of [
        'jwt-private.pem',
        'jwt-public.pem',
        'cert-private.pem',
        'cert-public.pem',
        'db-passwords.json',
      ]) {
        expect(existsSync(path.join(home, 'keys', f))).toBe(true);
      }
    },
  );

  test('services reach it through its Unix socket, TCP stays open for tools; autovacuum every 10 s', async () => {
    const passwords = JSON.parse(
      readFileSync(path.join(home, 'keys', 'db-passwords.json'), 'utf8'),
    ) as Record<string, string>;
    const admin = new pg.Client({
      host: '127.0.0.1',
      port: portBase + 99,
      user: 'postgres',
      password: passwords['@embedded-superuser'],
      database: 'postgres',
    });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ app: string; unix: boolean }>(
        `SELECT application_name AS app, client_addr IS NULL AS unix FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND application_name IN ('trading', 'risk-bus')`,
      );
      expect(new Set(rows.map((r) => r.app))).toEqual(new Set(['trading', 'risk-bus']));
      expect(rows.every((r) => r.unix)).toBe(true);
      // The server settings given at start (SERVER_SETTINGS).
      const naptime = await admin.query<{ v: string }>(
        "SELECT current_setting('autovacuum_naptime') AS v",
      );
      expect(naptime.rows[0]!.v).toBe('10s');
    } finally {
      await admin.end();
    }
  });

  test(
    'the postmaster outlives the CLI; down stops it and keeps the data',
    { timeout: 60_000 },
    async () => {
      const state = JSON.parse(readFileSync(path.join(home, 'state.json'), 'utf8')) as {
        postgres: { pid: number };
      };
      expect((await runningPostmaster(pgData))?.pid).toBe(state.postgres.pid);
      const down = await runCli(['down', '--json'], { env: env() });
      expect(down.json).toMatchObject({ ok: true, data: { postgresStopped: true, purged: false } });
      expect(await runningPostmaster(pgData)).toBeUndefined();
      expect(serviceProcessesOn(ports)).toEqual([]);
      expect(existsSync(path.join(pgData, 'PG_VERSION'))).toBe(true);
    },
  );

  test('a second up reuses the cluster and the keys', { timeout: 180_000 }, async () => {
    const kid = readFileSync(path.join(home, 'keys', 'jwt-public.pem'), 'utf8');
    const up = await runCli(['up', '--detach', '--json'], { env: env() });
    expect(up.exitCode, up.stdout).toBe(0);
    expect((up.json as { data: UpData }).data).toMatchObject({
      alreadyRunning: false,
      postgres: { initialised: false },
      status: { allReady: true },
    });
    expect(readFileSync(path.join(home, 'keys', 'jwt-public.pem'), 'utf8')).toBe(kid);
  });

  test('down --purge removes ALPHINTRA_HOME', { timeout: 60_000 }, async () => {
    const down = await runCli(['down', '--purge', '--json'], { env: env() });
    expect(down.json).toMatchObject({
      ok: true,
      data: { wasRunning: true, postgresStopped: true, purged: true },
    });
    expect(existsSync(home)).toBe(false);
    expect(serviceProcessesOn(ports)).toEqual([]);
  });
});
