import { lstat, unlink, chmod } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { buildConnector } from 'undici';

/*
 * HTTP over Unix sockets between processes on one machine (the local runtime). Every instance
 * listens on its TCP port as usual and also on `<SOCKET_DIR>/<port>.sock`; a caller given the
 * same SOCKET_DIR sends a request for `http://127.0.0.1:<port>` (or localhost, ::1) through
 * that socket instead. URLs, discovery records and everything else stay as they are: only
 * the transport of a loopback hop changes, and a call to any other host goes over TCP.
 *
 * Why: a Unix socket skips the TCP stack, and an order crosses three such hops. Under `bench
 * order` the services' own CPU per order fell 1-8 % with it (benchmarks/README.md, thirteenth
 * session); a proxied read did not measurably change.
 */

/** The socket an instance listening on `port` serves on. */
export function localSocketPath(socketDir: string, port: number | string): string {
  return path.join(socketDir, `${port}.sock`);
}

/** sun_path holds 108 bytes with its terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** True when every port's socket under `socketDir` fits in sun_path. */
export function socketDirFits(socketDir: string): boolean {
  return Buffer.byteLength(localSocketPath(socketDir, 65535)) <= MAX_SOCKET_PATH_BYTES;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * An undici connector: plain-HTTP connections to a loopback host go to the port's socket in
 * `socketDir`; everything else (other hosts, TLS, no socketDir) connects over TCP as usual.
 */
export function localSocketConnector(
  socketDir: string | undefined,
  options: buildConnector.BuildOptions = {},
): buildConnector.connector {
  const tcp = buildConnector(options);
  if (socketDir === undefined) return tcp;
  const byPort = new Map<string, buildConnector.connector>();
  return (opts, callback) => {
    if (opts.protocol !== 'http:' || !LOOPBACK.has(opts.hostname)) return tcp(opts, callback);
    const port = String(opts.port || 80);
    let connect = byPort.get(port);
    if (!connect) {
      connect = buildConnector({ ...options, socketPath: localSocketPath(socketDir, port) });
      byPort.set(port, connect);
    }
    return connect(opts, callback);
  };
}

export interface LocalSocketServer {
  readonly path: string;
  /** Stops accepting, closes idle keep-alive connections, waits for the rest. */
  close(): Promise<void>;
}

/**
 * Serves `handler` (the TCP server's request listener, so every hook and the draining 503
 * apply alike) on a Unix socket, readable and writable by this OS user only (so a peer is
 * always a process of this user on this machine). A file left at
 * the path by a crashed instance is removed first: the path is named after the TCP port this
 * process has just bound, so no live process can own it.
 */
export async function listenOnLocalSocket(
  socketPath: string,
  handler: RequestListener,
  like: Pick<Server, 'keepAliveTimeout' | 'headersTimeout' | 'requestTimeout' | 'listeners'>,
): Promise<LocalSocketServer> {
  const st = await lstat(socketPath).catch(() => undefined);
  if (st?.isSocket()) await unlink(socketPath);
  const server = createServer(handler);
  // A Unix-socket peer has no address; it is a process on this machine, as a loopback peer is.
  // Reported as loopback, code keyed by the client address (login throttling, rate limits,
  // X-Forwarded-For, logs) sees over the socket exactly what it saw over TCP.
  server.on('connection', (socket: Socket) => {
    Object.defineProperties(socket, {
      remoteAddress: { value: '127.0.0.1' },
      remoteFamily: { value: 'IPv4' },
    });
  });
  // WebSocket upgrades (GraphQL subscriptions tunnelled by the gateway) go to the TCP server's
  // upgrade listeners, read at the time: a plugin may add its listener after this starts.
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const listeners = like.listeners('upgrade') as ((...a: unknown[]) => void)[];
    if (listeners.length === 0) socket.destroy();
    for (const l of listeners) l.call(like, req, socket, head);
  });
  server.keepAliveTimeout = like.keepAliveTimeout;
  server.headersTimeout = like.headersTimeout;
  server.requestTimeout = like.requestTimeout;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
