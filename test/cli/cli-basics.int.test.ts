import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, runCli, spawnCli } from './cli-process.js';

const COMMANDS = [
  'up',
  'down',
  'status',
  'logs',
  'service start',
  'service stop',
  'manifests',
  'deploy',
];

describe('the CLI machine interface', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'alp-basics-'));
  beforeAll(() => assertBuilt());
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test.each(COMMANDS)(
    '%s --help has a summary and examples with long flags or arguments',
    async (cmd) => {
      const r = await runCli([...cmd.split(' '), '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('EXAMPLES');
      expect(r.stdout).toMatch(new RegExp(`\\$ alphintra ${cmd}`));
      expect(r.stdout).toContain('--json');
    },
  );

  test('an unknown command: exit 2 and one error envelope with the known commands', async () => {
    const r = await runCli(['launch', '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.json).toEqual({
      apiVersion: 'alphintra/v1',
      ok: false,
      command: 'launch',
      error: {
        kind: 'usage',
        code: 'ALP_CLI_UNKNOWN_COMMAND',
        message: 'unknown command "launch"',
        suggestions: [
          'known commands: bench, certify, certify verify, deploy, down, e2e, logs, manifests, service start, service stop, status, up, validate',
          'see alphintra --help',
        ],
      },
    });
  });

  test('status with nothing running: exit 0, running false, one envelope on stdout', async () => {
    const r = await runCli(['status', '--json'], { env: { ALPHINTRA_HOME: home } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.json).toEqual({
      apiVersion: 'alphintra/v1',
      ok: true,
      command: 'status',
      data: {
        running: false,
        home,
        phase: null,
        mode: null,
        startedAt: null,
        portBase: null,
        cli: null,
        allReady: false,
        postgres: null,
        redis: null,
        memory: null,
        services: [],
      },
    });
  });

  test('service stop with nothing running: exit 3 with a suggestion', async () => {
    const r = await runCli(['service', 'stop', 'risk', '--json'], {
      env: { ALPHINTRA_HOME: home },
    });
    expect(r.exitCode).toBe(3);
    expect(r.json).toMatchObject({
      ok: false,
      command: 'service stop',
      error: {
        code: 'ALP_RUNTIME_NOT_RUNNING',
        suggestions: ['start it first: alphintra up --detach'],
      },
    });
  });

  test('an unknown service name is a usage error (exit 2)', async () => {
    const r = await runCli(['logs', 'ghost', '--json'], { env: { ALPHINTRA_HOME: home } });
    expect(r.exitCode).toBe(2);
    expect(r.json).toMatchObject({
      ok: false,
      error: { code: 'ALP_CLI_UNKNOWN_SERVICE', message: 'unknown service "ghost"' },
    });
  });

  test('logs --follow ends, exit 0, once its reader is gone (`logs --follow | head` ends)', async () => {
    const logs = path.join(home, 'logs');
    mkdirSync(logs, { recursive: true });
    const file = path.join(logs, 'risk.log');
    writeFileSync(file, 'first line\n');
    const { child, done } = spawnCli(['logs', 'risk', '--follow'], {
      env: { ALPHINTRA_HOME: home },
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => child.stdout?.once('data', resolve));
    child.stdout?.destroy();
    // The next line the follower prints finds the pipe broken (as `tail -f | head` does).
    const writer = setInterval(() => appendFileSync(file, 'another line\n'), 100);
    const r = await done.finally(() => clearInterval(writer));
    expect([r.exitCode, r.signal]).toEqual([0, null]);
  });

  test.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'logs --follow ends with exit 0 on %s',
    async (sig) => {
      const logs = path.join(home, 'logs');
      mkdirSync(logs, { recursive: true });
      writeFileSync(path.join(logs, 'broker.log'), 'first line\n');
      const { child, done } = spawnCli(['logs', 'broker', '--follow'], {
        env: { ALPHINTRA_HOME: home },
        timeoutMs: 20_000,
      });
      await new Promise((resolve) => child.stdout?.once('data', resolve));
      child.kill(sig);
      const r = await done;
      expect([r.exitCode, r.signal]).toEqual([0, null]);
    },
  );

  test('status --watch updates until Ctrl-C, then exits 0; with --json it is a usage error', async () => {
    const { child, done } = spawnCli(['status', '--watch', '--interval', '1'], {
      env: { ALPHINTRA_HOME: home, NO_COLOR: '1', FORCE_COLOR: undefined },
      timeoutMs: 20_000,
    });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('Nothing is running').length > 2) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await done;
    expect([r.exitCode, r.signal]).toEqual([0, null]);
    expect(r.stdout).toMatch(/\d\d:\d\d:\d\d UTC, every 1 s; Ctrl-C to stop/);

    const json = await runCli(['status', '--watch', '--json'], { env: { ALPHINTRA_HOME: home } });
    expect(json.exitCode).toBe(2);
    expect(json.json).toMatchObject({ ok: false, error: { code: 'ALP_CLI_FLAGS_CONFLICT' } });
  });

  test('logs with no name: every service that has a log, merged by time; --level filters', async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'alp-logs-all-'));
    try {
      const logs = path.join(own, 'logs');
      mkdirSync(logs, { recursive: true });
      const pino = (level: number, time: number, msg: string) =>
        JSON.stringify({ level, time, msg });
      writeFileSync(
        path.join(logs, 'trading.log'),
        [pino(30, 1, 't1'), pino(50, 3, 't3'), 'Error: boom', pino(30, 5, 't5')].join('\n') + '\n',
      );
      writeFileSync(
        path.join(logs, 'risk.log'),
        [pino(40, 2, 'r2'), pino(30, 4, 'r4')].join('\n') + '\n',
      );
      writeFileSync(path.join(logs, 'postgres.log'), 'LOG:  database system is ready\n');
      const env = { ALPHINTRA_HOME: own };

      const all = await runCli(['logs', '--json'], { env });
      expect(all.exitCode, all.stderr).toBe(0);
      const data = (
        all.json as {
          data: {
            service: string | null;
            services: string[];
            lines: { instance: string; line: string }[];
          };
        }
      ).data;
      expect(data.service).toBeNull();
      expect(data.services).toEqual(['trading', 'risk']);
      expect(
        data.lines.map(
          (l) =>
            `${l.instance} ${l.line.startsWith('{') ? (JSON.parse(l.line) as { msg: string }).msg : l.line}`,
        ),
      ).toEqual([
        'trading-0 t1',
        'risk-0 r2',
        'trading-0 t3',
        'trading-0 Error: boom',
        'risk-0 r4',
        'trading-0 t5',
      ]);

      const warn = await runCli(['logs', 'risk', 'trading', '--level', 'warn', '--raw'], {
        env: { ...env, NO_COLOR: '1', FORCE_COLOR: undefined },
      });
      expect(warn.exitCode, warn.stderr).toBe(0);
      expect(warn.stdout.trim().split('\n')).toEqual([
        `risk-0    | ${pino(40, 2, 'r2')}`,
        `trading-0 | ${pino(50, 3, 't3')}`,
        'trading-0 | Error: boom',
      ]);

      const bad = await runCli(['logs', '--level', 'loud', '--json'], { env });
      expect(bad.exitCode).toBe(2);

      const empty = await runCli(['logs', '--json'], {
        env: { ALPHINTRA_HOME: path.join(own, 'no-such-home') },
      });
      expect(empty.exitCode).toBe(3);
      expect(empty.json).toMatchObject({ error: { code: 'ALP_RUNTIME_NO_LOGS' } });
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  test('NO_COLOR output has no ANSI escapes', async () => {
    const r = await runCli(['logs', 'ghost'], {
      env: { ALPHINTRA_HOME: home, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    expect(r.stderr).toContain('Error [ALP_CLI_UNKNOWN_SERVICE] unknown service "ghost"');
    expect(r.stderr).not.toContain('\u001b[');
  });

  test('FORCE_COLOR colours the error even without a TTY', async () => {
    const r = await runCli(['logs', 'ghost'], {
      env: { ALPHINTRA_HOME: home, NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(r.stderr).toContain('\u001b[31m');
  });
});

describe('alphintra manifests', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'alp-manifests-'));
  beforeAll(() => assertBuilt());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('the committed manifests are what the catalog renders', async () => {
    const r = await runCli(['manifests', '--check', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.json).toMatchObject({ ok: true, data: { upToDate: true, written: [] } });
  });

  test('renders into a folder, and --check there finds a hand edit (exit 1)', async () => {
    const r = await runCli(['manifests', '--out', out, '--version', '9.9.9', '--json']);
    expect(r.exitCode).toBe(0);
    const data = (r.json as { data: { written: string[]; objects: number } }).data;
    expect(data.written).toContain(path.join(out, 'base', 'trading.yaml'));
    expect(data.objects).toBeGreaterThan(50);
    appendFileSync(path.join(out, 'base', 'trading.yaml'), '# a hand edit\n');
    const check = await runCli(['manifests', '--out', out, '--version', '9.9.9', '--check']);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toMatch(/changed\s+base\/trading\.yaml/);
  });
});
