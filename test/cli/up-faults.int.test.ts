import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropPrefixedDatabases } from '../support/database.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { planInstances } from '../../cli/lib/runtime/local/port-plan.js';
import {
  assertBuilt,
  cliEnv,
  killGroups,
  killStartedClis,
  pickPortBase,
  REPO,
  runCli,
  serviceProcessesOn,
  spawnCli,
} from './cli-process.js';

const DATABASE_URL = process.env.DATABASE_URL;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ErrorData {
  code: string;
  message: string;
  problems?: string[];
  outputTail?: string[];
  suggestions: string[];
}
const errorOf = (json: unknown): ErrorData => (json as { error: ErrorData }).error;

describe('bad input and faults of up / down', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'alp-faults-'));
  const prefix = `t_${Math.random().toString(36).slice(2, 8)}`;
  let portBase = 0;
  let ports: number[] = [];
  const env = (
    extra: Record<string, string | undefined> = {},
  ): Record<string, string | undefined> => ({
    ALPHINTRA_HOME: home,
    DATABASE_URL,
    ALPHINTRA_PORT_BASE: String(portBase),
    ALPHINTRA_DB_PREFIX: prefix,
    ...extra,
  });

  beforeAll(async () => {
    assertBuilt();
    portBase = await pickPortBase();
    ports = planInstances(portBase, {}).map((i) => i.port);
  });

  afterEach(() => {
    // Whatever a failed assertion left behind must not leak into the next test.
    killStartedClis();
    killGroups(serviceProcessesOn(ports));
  });

  afterAll(async () => {
    await runCli(['down'], { env: env() });
    if (DATABASE_URL) await dropPrefixedDatabases(DATABASE_URL, prefix);
    rmSync(home, { recursive: true, force: true });
  });

  test('down with nothing running says so and exits 0', async () => {
    const r = await runCli(['down'], { env: env() });
    expect([r.exitCode, r.stdout.trim()]).toEqual([0, `Nothing was running in ${home}.`]);
  });

  test('invalid config: every problem at once, exit 3, nothing started', async () => {
    const r = await runCli(
      [
        'up',
        '--detach',
        '--json',
        '--scale',
        'trading=99',
        '--scale',
        'ghost=2',
        '--db-prefix',
        'Bad',
      ],
      {
        env: env({ ALPHINTRA_PORT_BASE: '80' }),
      },
    );
    expect(r.exitCode).toBe(3);
    const err = errorOf(r.json);
    expect(err.code).toBe('ALP_CONFIG_INVALID');
    expect(err.problems).toHaveLength(4);
    expect(err.problems?.[0]).toBe('--port-base 80: must be an integer from 1024 to 64536');
    expect(existsSync(path.join(home, 'state.json'))).toBe(false);
  });

  test('a usage error exits 2 with one JSON envelope and nothing else on stdout', async () => {
    const r = await runCli(['up', '--no-such-flag', '--json'], { env: env() });
    expect(r.exitCode).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.json).toMatchObject({
      apiVersion: 'alphintra/v1',
      ok: false,
      command: 'up',
      error: { code: 'ALP_CLI_USAGE' },
    });
  });

  test('a taken port: exit 3 naming the port and the service, nothing started', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(portBase + 10, '127.0.0.1', resolve));
    try {
      const r = await runCli(['up', '--detach', '--json'], { env: env() });
      expect(r.exitCode).toBe(3);
      const err = errorOf(r.json);
      expect(err.code).toBe('ALP_RUNTIME_PORT_TAKEN');
      expect(err.message).toBe(
        `port ${portBase + 10} needed by auth is already in use; nothing was started`,
      );
      expect(err.problems?.[0]).toMatch(
        new RegExp(`^port ${portBase + 10} \\(auth\\) is already in use by pid ${process.pid} `),
      );
      expect(err.suggestions[0]).toMatch(/^shift every port: --port-base \d+/);
      expect(serviceProcessesOn(ports)).toEqual([]);
      expect(existsSync(path.join(home, 'state.json'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test.skipIf(!DATABASE_URL)(
    'a service crashing during up: its log tail is shown, the others are stopped, exit 1',
    { timeout: 120_000 },
    async () => {
      const hook = path.join(home, 'crash-risk.cjs');
      writeFileSync(
        hook,
        "if (process.env.SERVICE_NAME === 'risk') { console.error('simulated crash of risk'); process.exit(1); }\n",
      );
      const r = await runCli(['up', '--detach', '--json'], {
        env: env({ ALPHINTRA_SERVICE_NODE_OPTIONS: `--require ${hook}` }),
      });
      expect(r.exitCode).toBe(1);
      const err = errorOf(r.json);
      expect(err.code).toBe('ALP_RUNTIME_SERVICE_CRASHED');
      expect(err.message).toBe('risk-0 exited (1) before it was ready');
      expect(err.outputTail).toContain('simulated crash of risk');
      expect(serviceProcessesOn(ports)).toEqual([]);
      expect(existsSync(path.join(home, 'state.json'))).toBe(false);
    },
  );

  test.skipIf(!DATABASE_URL)(
    'SIGTERM during up stops everything started so far: no orphans',
    { timeout: 120_000 },
    async () => {
      const { child, done } = spawnCli(['up', '--detach'], { env: env() });
      // Wait until some services run (auth is ready, its dependents are starting).
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && serviceProcessesOn(ports).length < 3) await sleep(50);
      const before = serviceProcessesOn(ports).length;
      expect(before).toBeGreaterThanOrEqual(3);
      child.kill('SIGTERM');
      const r = await done;
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(
        '[ALP_RUNTIME_INTERRUPTED] up was interrupted; everything it started was stopped',
      );
      expect(serviceProcessesOn(ports)).toEqual([]);
      expect(existsSync(path.join(home, 'state.json'))).toBe(false);
    },
  );

  test.skipIf(!DATABASE_URL)(
    'a reader that goes away mid-start (`up 2>&1 | head -3`) does not stop up: all ten start',
    { timeout: 120_000 },
    async () => {
      const { child, done } = spawnCli(['up', '--detach'], { env: env() });
      // The first progress line arrives, then the reader is gone: every later write is EPIPE.
      child.stderr?.once('data', () => child.stderr?.destroy());
      const r = await done;
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/ready in [\d.]+ s/);
      expect(serviceProcessesOn(ports)).toHaveLength(10);
      const down = await runCli(['down', '--json'], { env: env() });
      expect(down.json).toMatchObject({ ok: true, data: { wasRunning: true } });
      expect(serviceProcessesOn(ports)).toEqual([]);
    },
  );

  /** Polls `status --json` until every service is ready; false when `ms` pass first. */
  const allReadyWithin = async (ms: number): Promise<boolean> => {
    for (const deadline = Date.now() + ms; Date.now() < deadline;) {
      await sleep(300);
      const status = await runCli(['status', '--json'], { env: env() });
      if ((status.json as { data?: { allReady?: boolean } } | undefined)?.data?.allReady)
        return true;
    }
    return false;
  };

  /**
   * Starts `up --detach` and SIGKILLs it once a few services run. Then one of the recorded
   * pids is taken out of state.json, as if the CLI had died between that spawn and its record
   * (which a kill in the middle of a spawn does for real, now and then).
   */
  const killUpMidStart = async (): Promise<{
    cliPid: number;
    recorded: number[];
    strays: number[];
  }> => {
    const { child, done } = spawnCli(['up', '--detach'], { env: env() });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && serviceProcessesOn(ports).length < 3) await sleep(5);
    child.kill('SIGKILL');
    await done;
    // A child forked as the CLI died still finishes its exec: wait until the set stands still.
    let running = serviceProcessesOn(ports);
    for (let same = false; !same && Date.now() < deadline;) {
      await sleep(300);
      const again = serviceProcessesOn(ports);
      same = again.join() === running.join();
      running = again;
    }
    const file = path.join(home, 'state.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as { instances: { pid: number | null }[] };
    state.instances.find((i) => i.pid !== null && running.includes(i.pid))!.pid = null;
    writeFileSync(file, JSON.stringify(state));
    const recorded = state.instances.flatMap((i) => (i.pid === null ? [] : [i.pid]));
    const strays = running.filter((p) => !recorded.includes(p));
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(strays.length).toBeGreaterThanOrEqual(1);
    return { cliPid: child.pid!, recorded, strays };
  };

  test.skipIf(!DATABASE_URL)(
    'SIGKILL of the CLI mid-start: status says so; the next up stops that half, unrecorded ones too, and starts afresh',
    { timeout: 120_000 },
    async () => {
      const { cliPid, recorded, strays } = await killUpMidStart();
      const status = await runCli(['status', '--json'], { env: env() });
      expect(status.json).toMatchObject({
        ok: true,
        data: { phase: 'starting', cli: { pid: cliPid, alive: false } },
      });
      const up = await runCli(['up', '--detach', '--json'], { env: env() });
      expect(up.exitCode).toBe(0);
      expect(up.json).toMatchObject({ ok: true, data: { alreadyRunning: false } });
      expect((up.json as { data: { notes: string[] } }).data.notes).toEqual(
        expect.arrayContaining([
          `stopped ${recorded.length} processes an interrupted \`up\` (pid ${cliPid}) had started`,
          `stopped ${strays.length} service processes of ${home} that no state.json named (pids ${strays.join(', ')})`,
        ]),
      );
      const now = serviceProcessesOn(ports);
      expect(now).toHaveLength(10);
      expect(now.filter((p) => recorded.includes(p) || strays.includes(p))).toEqual([]);
      await runCli(['down'], { env: env() });
      expect(serviceProcessesOn(ports)).toEqual([]);
    },
  );

  test.skipIf(!DATABASE_URL)(
    'SIGKILL of the CLI mid-start: down stops every process of the home, recorded or not',
    { timeout: 120_000 },
    async () => {
      const { recorded, strays } = await killUpMidStart();
      const down = await runCli(['down', '--json'], { env: env() });
      expect(down.json).toMatchObject({ ok: true, data: { wasRunning: true } });
      expect((down.json as { data: { stopped: string[] } }).data.stopped).toEqual(
        expect.arrayContaining(strays.map((p) => `pid ${p} (not in state.json)`)),
      );
      expect((down.json as { data: { stopped: string[] } }).data.stopped).toHaveLength(
        recorded.length + strays.length,
      );
      expect(serviceProcessesOn(ports)).toEqual([]);
      expect(existsSync(path.join(home, 'state.json'))).toBe(false);
    },
  );

  test.skipIf(!DATABASE_URL)(
    'foreground up: streams logs until Ctrl-C, then stops everything and exits 0',
    { timeout: 120_000 },
    async () => {
      const { child, done } = spawnCli(['up', '--service', 'auth'], { env: env() });
      if (!(await allReadyWithin(90_000))) {
        child.kill('SIGINT');
        const failed = await done;
        expect.fail(`platform not ready in time; up said:\n${failed.stderr}\n${failed.stdout}`);
      }
      expect(serviceProcessesOn(ports)).toHaveLength(10);
      child.kill('SIGINT');
      const r = await done;
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('Streaming logs; press Ctrl-C to stop the platform.');
      expect(r.stdout).toMatch(/^auth-0 \| .*Server listening at http:\/\/127\.0\.0\.1:\d+/m);
      expect(r.stdout).not.toMatch(/^risk-0 \|/m);
      expect(r.stderr).toContain('stopping the platform (SIGINT)');
      expect(serviceProcessesOn(ports)).toEqual([]);
      expect(existsSync(path.join(home, 'state.json'))).toBe(false);
    },
  );

  // `script` (util-linux) gives `up` a terminal; killing it hangs that terminal up, as closing
  // the window does: SIGHUP, then every write to the terminal fails with EIO.
  const script = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));
  test.skipIf(!DATABASE_URL || !script)(
    'foreground up whose terminal hangs up: stops everything, though it can no longer write',
    { timeout: 120_000 },
    async () => {
      const command = [process.execPath, path.join(REPO, 'bin', 'run.js'), 'up']
        .map((a) => `'${a}'`)
        .join(' ');
      const terminal = spawn(script!, ['-qfec', command, '/dev/null'], {
        cwd: REPO,
        env: cliEnv(env()),
        stdio: 'ignore',
      });
      const closed = new Promise((resolve) => terminal.once('close', resolve));
      // Ready, so `up` is streaming logs to the terminal when it hangs up.
      expect(await allReadyWithin(90_000)).toBe(true);
      expect(serviceProcessesOn(ports)).toHaveLength(10);
      terminal.kill('SIGKILL');
      await closed;
      const stopBy = Date.now() + 30_000;
      while (
        Date.now() < stopBy &&
        (serviceProcessesOn(ports).length > 0 || existsSync(path.join(home, 'state.json')))
      )
        await sleep(100);
      expect(serviceProcessesOn(ports)).toEqual([]);
      expect(existsSync(path.join(home, 'state.json'))).toBe(false);
    },
  );

  test(
    'a stale state file (processes gone) is detected and cleaned',
    { timeout: 120_000 },
    async () => {
      const stale = {
        version: 1,
        phase: 'running',
        mode: 'detached',
        cliPid: 999999,
        startedAt: new Date().toISOString(),
        options: {
          portBase,
          dbPrefix: prefix,
          profile: 'dev',
          logLevel: 'info',
          readyTimeoutMs: 30000,
          scale: {},
        },
        redisUrl: null,
        postgres: null,
        instances: [
          {
            service: 'auth',
            index: 0,
            id: 'auth-0',
            port: portBase + 10,
            pid: 999998,
            startedAt: null,
            log: '',
            restarts: 0,
          },
        ],
      };
      writeFileSync(path.join(home, 'state.json'), JSON.stringify(stale));
      const status = await runCli(['status', '--json'], { env: env() });
      expect(status.json).toMatchObject({ ok: true, data: { running: false } });
      const down = await runCli(['down', '--json'], { env: env() });
      expect(down.json).toMatchObject({ ok: true, data: { wasRunning: false } });
      expect(existsSync(path.join(home, 'state.json'))).toBe(false);
    },
  );
});
