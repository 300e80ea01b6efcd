import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import { freePort } from '../../test/support/free-port.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/slow-service.ts'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitReady(url: string, budgetMs = 20_000): Promise<void> {
  const deadline = Date.now() + budgetMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${budgetMs} ms`);
}

const upstreams = {
  AUTH_URL: 'http://127.0.0.1:1',
  USER_URL: 'http://127.0.0.1:1',
  TRADING_URL: 'http://127.0.0.1:1',
  BROKER_URL: 'http://127.0.0.1:1',
  JWT_ISSUER: 'http://127.0.0.1:1',
  JWT_AUDIENCE: 'alphintra',
  SERVICE_CREDENTIAL: 'c'.repeat(43),
};

describe('runService (a real process)', () => {
  test('SIGTERM: the in-flight request finishes, new connections are refused, exit 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child } = start({
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...upstreams,
    });
    await waitReady(url);
    const inFlight = fetch(`${url}/slow?ms=700`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 150));
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
    expect(await inFlight).toEqual({ status: 200, body: { waited: 700 } });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  test('log lines go out in blocks, yet every one arrives: within seconds, and the rest on exit', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child, output } = start({
      PORT: String(port),
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...upstreams,
    });
    await waitReady(url);
    const get = (id: string) => fetch(`${url}/slow?ms=1`, { headers: { 'x-request-id': id } });
    // Far less than a block waits, yet the line is written by the periodic flush.
    await get('log-block-line-1');
    const deadline = Date.now() + 5_000;
    while (!output().includes('log-block-line-1') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(output()).toContain('log-block-line-1');
    // What was logged just before a signal is written before the process exits.
    await get('log-block-line-2');
    child.kill('SIGTERM');
    await once(child, 'exit');
    const lines = output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reqId?: string; msg: string });
    expect(lines.filter((l) => l.reqId === 'log-block-line-2').map((l) => l.msg)).toEqual([
      'request completed',
    ]);
    expect(lines.map((l) => l.msg)).toContain('shutting down');
  });

  test('with SOCKET_DIR it serves on <dir>/<port>.sock too, and removes it on shutdown', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'alp-run-sock-'));
    try {
      const { child } = start({
        PORT: String(port),
        LOG_LEVEL: 'warn',
        SHUTDOWN_TIMEOUT_MS: '5000',
        SOCKET_DIR: dir,
        ...upstreams,
      });
      await waitReady(`http://127.0.0.1:${port}`);
      const socketPath = path.join(dir, `${port}.sock`);
      const res = await request(`http://127.0.0.1:${port}/slow?ms=1`, {
        dispatcher: new Agent({ connect: { socketPath } }),
      });
      expect({ status: res.statusCode, body: await res.body.json() }).toEqual({
        status: 200,
        body: { waited: 1 },
      });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(existsSync(socketPath)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('invalid configuration: every problem listed, exit 3, nothing listens', async () => {
    const { child, output } = start({ PORT: 'not-a-port', LOG_LEVEL: 'loud', AUTH_URL: 'nope' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(3);
    const line = JSON.parse(output().trim().split('\n').at(-1)!);
    expect(line.code).toBe('ALP_PLATFORM_CONFIG_INVALID');
    expect(line.problems.map((p: { key: string }) => p.key).sort()).toEqual([
      'AUTH_URL',
      'BROKER_URL',
      'JWT_AUDIENCE',
      'JWT_ISSUER',
      'LOG_LEVEL',
      'PORT',
      'SERVICE_CREDENTIAL',
      'TRADING_URL',
      'USER_URL',
    ]);
  });
});
