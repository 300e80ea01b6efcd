import { spawn } from 'node:child_process';

export interface ToolResult {
  exitCode: number | null;
  /** stdout and stderr interleaved, as a terminal would show them. */
  output: string;
}

export interface ToolOptions {
  uid?: number;
  gid?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a PostgreSQL tool (initdb, pg_ctl, id) to completion, never throwing: the caller
 * turns a failure into an error with the output tail. node:child_process rather than execa:
 * the CLI loads this on every `up`, and execa costs more start-up time than it saves here.
 */
export function runTool(
  file: string,
  args: readonly string[],
  opts: ToolOptions = {},
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(file, [...args], {
      ...(opts.uid === undefined ? {} : { uid: opts.uid }),
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', (err) => resolve({ exitCode: null, output: `${output}${err.message}` }));
    child.once('close', (code) => resolve({ exitCode: code, output }));
  });
}
