import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './liveness.js';

export interface SpawnedInstance {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/**
 * Starts one service process in its own process group (so a terminal's Ctrl-C reaches only
 * the CLI, and stopping the group takes any grandchildren with it), output appended to its
 * log file. The CLI does not keep it alive: with --detach it outlives the CLI.
 */
export function spawnService(
  nodeArgs: readonly string[],
  env: Record<string, string>,
  cwd: string,
  logFile: string,
): SpawnedInstance {
  mkdirSync(path.dirname(logFile), { recursive: true });
  // Truncate: the log tail shown on failure must come from this run only.
  const fd = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...nodeArgs], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'spawn error'));
  });
  child.unref();
  if (child.pid === undefined) {
    return { pid: -1, child, exited };
  }
  return { pid: child.pid, child, exited };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Stops processes (each the leader of its group): SIGTERM, then SIGKILL for whatever is
 * still alive after `budgetMs`. Resolves when all are gone; returns the pids that needed
 * SIGKILL.
 */
export async function stopProcesses(pids: readonly number[], budgetMs: number): Promise<number[]> {
  const live = pids.filter((p) => isAlive(p));
  for (const pid of live) signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + budgetMs;
  while (Date.now() < deadline && live.some((p) => isAlive(p))) await sleep(50);
  const killed = live.filter((p) => isAlive(p));
  for (const pid of killed) signalGroup(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 2000;
  while (Date.now() < hardDeadline && killed.some((p) => isAlive(p))) await sleep(25);
  return killed;
}
