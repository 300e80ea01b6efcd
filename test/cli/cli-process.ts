import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
export { pickPortBase } from '../support/free-port.js';

/** Spawns the real built CLI (bin/run.js) and collects what it printed; never throws. */

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'bin', 'run.js');

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout parsed as JSON when it is one JSON document (the --json envelope). */
  json: unknown;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

const started = new Set<ChildProcess>();

/** The CLI runs from dist/: int tests need `npm run build` first. */
export function assertBuilt(): void {
  if (!existsSync(path.join(REPO, 'dist', 'cli', 'commands', 'up.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the CLI integration tests');
  }
}

/** A clean env: no inherited DATABASE_URL, ALPHINTRA_* or NODE_OPTIONS unless given. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      k.startsWith('ALPHINTRA_') ||
      k === 'DATABASE_URL' ||
      k === 'REDIS_URL' ||
      k.startsWith('NODE_') ||
      k.startsWith('VITEST')
    )
      continue;
    env[k] = v;
  }
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function spawnCli(
  args: readonly string[],
  opts: CliOptions = {},
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: cliEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const done = new Promise<CliRun>((resolve) => {
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      started.delete(child);
      resolve({ stdout, stderr, exitCode, signal, json: parseJson(stdout.trim()) });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      started.delete(child);
      resolve({
        stdout,
        stderr: `${stderr}${err.message}`,
        exitCode: null,
        signal: null,
        json: undefined,
      });
    });
  });
  return { child, done };
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  return spawnCli(args, opts).done;
}

/** Kills any CLI process a test left running. */
export function killStartedClis(): void {
  for (const c of started) c.kill('SIGKILL');
  started.clear();
}

/** Pids of live processes whose environment says PORT is one of `ports` (our services). */
export function serviceProcessesOn(ports: readonly number[]): number[] {
  const wanted = new Set(ports.map((p) => `PORT=${p}`));
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.some((e) => wanted.has(e)) && env.some((e) => e.startsWith('SERVICE_NAME=')))
        found.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** SIGKILLs the given processes' groups (last-resort cleanup in afterAll). */
export function killGroups(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
