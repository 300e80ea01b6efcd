import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  listenOnLocalSocket,
  localSocketConnector,
  localSocketPath,
  socketDirFits,
  type LocalSocketServer,
} from './local-socket.js';

let dir: string;
const closers: (() => Promise<unknown>)[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'alp-sock-'));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

/** Answers with the transport it was reached by and the client address it saw. */
const answer =
  (transport: string): RequestListener =>
  (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ transport, ip: req.socket.remoteAddress }));
  };

async function tcpServer(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer(answer('tcp'));
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => new Promise((r) => server.close(r)));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return { server, port: address.port };
}

/** What the TCP server would do with an upgrade: here, answer 101 and say it came by socket. */
const upgrades = [
  (_req: unknown, socket: Socket) =>
    socket.end(
      'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nx-transport: unix\r\n\r\n',
    ),
];

async function socketServer(port: number): Promise<LocalSocketServer> {
  const s = await listenOnLocalSocket(localSocketPath(dir, port), answer('unix'), {
    keepAliveTimeout: 5_000,
    headersTimeout: 60_000,
    requestTimeout: 300_000,
    listeners: ((event: string) => (event === 'upgrade' ? upgrades : [])) as never,
  });
  closers.push(() => s.close());
  return s;
}

async function get(agent: Agent, url: string): Promise<{ transport: string; ip: string }> {
  const res = await request(url, { dispatcher: agent });
  return (await res.body.json()) as { transport: string; ip: string };
}

function agentWith(socketDir: string | undefined): Agent {
  const agent = new Agent({ connect: localSocketConnector(socketDir) });
  closers.push(() => agent.close());
  return agent;
}

describe('localSocketConnector', () => {
  test('a loopback URL goes through the port socket in the directory', async () => {
    const { port } = await tcpServer('127.0.0.1');
    await socketServer(port);
    const agent = agentWith(dir);
    expect((await get(agent, `http://127.0.0.1:${port}/`)).transport).toBe('unix');
    expect((await get(agent, `http://localhost:${port}/`)).transport).toBe('unix');
  });

  test('without a directory, or for another host, it is plain TCP', async () => {
    const { port } = await tcpServer('127.0.0.1');
    await socketServer(port);
    expect((await get(agentWith(undefined), `http://127.0.0.1:${port}/`)).transport).toBe('tcp');
    // 127.0.0.2 is a loopback address too, but not one the runtime advertises: not redirected.
    const other = await tcpServer('127.0.0.2');
    await socketServer(other.port);
    expect((await get(agentWith(dir), `http://127.0.0.2:${other.port}/`)).transport).toBe('tcp');
  });

  test('no socket for the port: the call fails like a refused connection, it is not sent elsewhere', async () => {
    const { port } = await tcpServer('127.0.0.1');
    await expect(get(agentWith(dir), `http://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('listenOnLocalSocket', () => {
  test('the socket is for this OS user only, and its peer reads as loopback', async () => {
    const { port } = await tcpServer('127.0.0.1');
    const s = await socketServer(port);
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
    expect(await get(agentWith(dir), `http://127.0.0.1:${port}/`)).toEqual({
      transport: 'unix',
      ip: '127.0.0.1',
    });
  });

  test('a socket file left by a crashed instance is replaced; any other file is not', async () => {
    // A process killed while listening leaves its socket file behind.
    const stalePath = localSocketPath(dir, 1);
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(stalePath)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(statSync(stalePath).isSocket()).toBe(true);
    await socketServer(1);
    expect(statSync(stalePath).isSocket()).toBe(true);

    writeFileSync(localSocketPath(dir, 2), 'not a socket');
    await expect(socketServer(2)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(statSync(localSocketPath(dir, 2)).isFile()).toBe(true);
  });

  test('close() returns with idle keep-alive connections open, and removes the socket', async () => {
    const { port } = await tcpServer('127.0.0.1');
    const s = await socketServer(port);
    const agent = agentWith(dir);
    await get(agent, `http://127.0.0.1:${port}/`); // leaves a kept-alive connection
    await s.close();
    expect(() => statSync(s.path)).toThrow(/ENOENT/);
  });
});

describe('socketDirFits', () => {
  test('every port socket must fit in 107 bytes', () => {
    // <dir>/65535.sock is the directory plus 11 bytes.
    expect(socketDirFits(`/${'a'.repeat(95)}`)).toBe(true);
    expect(socketDirFits(`/${'a'.repeat(96)}`)).toBe(false);
  });
});

test("an upgrade over the socket reaches the TCP server's upgrade listeners", async () => {
  const { port } = await tcpServer('127.0.0.1');
  const s = await socketServer(port);
  const answer = await new Promise<{ status: number; transport: unknown }>((resolve, reject) => {
    const req = httpRequest({
      socketPath: s.path,
      path: '/graphql',
      headers: { connection: 'Upgrade', upgrade: 'websocket' },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, transport: res.headers['x-transport'] });
    });
    req.on('error', reject);
    req.end();
  });
  expect(answer).toEqual({ status: 101, transport: 'unix' });
});
