import { spawn, type ChildProcess } from 'node:child_process';
import { packageRoot } from '../../services/platform/index.js';

/** A real service process (`node --import tsx services/<name>/main.ts`) that can be killed. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  /** Starts the process (if not running) and waits until /health/ready answers 200. */
  start(): Promise<void>;
  /** SIGKILL: no drain, no cleanup, exactly like a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the end of the test). */
  stop(): Promise<void>;
  readonly running: boolean;
  /** The last lines the process wrote (for a failure report). */
  tail(): string;
}

export function serviceProcess(
  name: string,
  port: number,
  env: Record<string, string>,
): ServiceProcess {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    // Stacks make pino lines long; the start of each line says enough in a failure report.
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(0, 400)),
    );
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };

  async function waitReady(deadline: number): Promise<void> {
    for (;;) {
      if (!child) throw new Error(`${name} is not running`);
      try {
        const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(`${name} not ready after start:\n${lines.slice(-20).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    name,
    url,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (!child) {
        const c = spawn(process.execPath, ['--import', 'tsx', `services/${name}/main.ts`], {
          cwd: packageRoot(),
          env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        c.stdout?.on('data', keep);
        c.stderr?.on('data', keep);
        exited = new Promise((resolve) =>
          c.once('exit', (code, signal) => {
            lines.push(`[${name} exited: ${signal ?? code}]`);
            if (child === c) child = undefined;
            resolve();
          }),
        );
        child = c;
      }
      await waitReady(Date.now() + 30_000);
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!child) return;
      const c = child;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    tail: () => lines.slice(-15).join('\n'),
  };
}
