import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { localSocketPath } from '../../platform/index.js';
import type { Resolver } from '../../platform/discovery/index.js';
import type { RouteTable } from '../domain/route-table.js';
import { rateLimitKey, type RateLimiter } from '../domain/rate-limiter.js';

/*
 * WebSocket upgrades through the edge (GraphQL subscriptions on /graphql): the gateway checks
 * what it can before the handshake (a route whose service takes WebSockets, an allowed Origin, the per-address rate
 * limit, a valid token when one is sent as a header) and then tunnels the connection's bytes
 * to an instance found through discovery. The frames are not inspected: the service checks the
 * token in the protocol's own connection_init, as it does when called directly.
 */

export interface TunnelDeps {
  readonly table: RouteTable;
  readonly resolver: Resolver;
  readonly limiter: RateLimiter;
  /** CORS_ORIGINS: a browser page from any other origin may not open a socket as the user. */
  readonly origins: readonly string[];
  /** Verifies an `Authorization: Bearer` header (throws when it is not a valid token). */
  readonly verify: (token: string) => Promise<{ readonly sub: string }>;
  readonly socketDir?: string | undefined;
  readonly connectTimeoutMs?: number;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Ends a refused handshake with a small problem+json answer (the client is still speaking HTTP). */
function refuse(socket: Duplex, status: number, code: string, extra: Record<string, string> = {}) {
  const body = JSON.stringify({ status, code, title: STATUS_TEXT[status] });
  const headers = {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...extra,
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n${head.join('')}\r\n${body}`);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The handshake as the upstream receives it: the client's headers, plus who asked and the trace. */
function upstreamHandshake(req: IncomingMessage, requestId: string): string {
  const lines = [`GET ${req.url} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (/^(x-forwarded-for|x-request-id|traceparent)$/i.test(name)) continue;
    lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  const client = req.socket.remoteAddress ?? '';
  lines.push(`x-forwarded-for: ${client}`, `x-request-id: ${requestId}`);
  const trace = randomBytes(16).toString('hex');
  lines.push(`traceparent: 00-${trace}-${randomBytes(8).toString('hex')}-00`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Serves upgrades on the gateway's server; open tunnels close with the gateway. */
export function websocketTunnel(app: FastifyInstance, deps: TunnelDeps): void {
  const open = new Set<Socket | Duplex>();
  const allowed = new Set(deps.origins);

  async function handle(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    const requestId = String(req.headers['x-request-id'] ?? randomUUID());
    const log = app.log.child({ reqId: requestId, url: req.url, upgrade: 'websocket' });
    const match = deps.table.match(req.url ?? '/');
    if (!match) return refuse(client, 404, 'ALP_REQUEST_NOT_FOUND');
    if (!match.websocket || String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
      return refuse(client, 400, 'ALP_GATEWAY_UPGRADE_UNSUPPORTED');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin))
      return refuse(client, 403, 'ALP_GATEWAY_ORIGIN_FORBIDDEN');
    const auth = req.headers.authorization;
    let subject: string | undefined;
    if (auth !== undefined) {
      const token = /^Bearer (\S+)$/i.exec(auth)?.[1];
      const claims = token ? await deps.verify(token).catch(() => undefined) : undefined;
      if (!claims) return refuse(client, 401, 'ALP_AUTH_TOKEN_INVALID');
      subject = claims.sub;
    }
    const ip = req.socket.remoteAddress ?? '';
    const limit = await deps.limiter.consume(rateLimitKey({ verifiedSubject: subject, ip }));
    if (!limit.allowed)
      return refuse(client, 429, 'ALP_GATEWAY_RATE_LIMITED', {
        'retry-after': String(limit.retryAfterSec),
      });
    const instance = deps.resolver.resolve(match.service);
    if (!instance) return refuse(client, 503, 'ALP_GATEWAY_UPSTREAM_UNAVAILABLE');
    const url = new URL(instance.url);
    const viaSocket = deps.socketDir !== undefined && LOOPBACK.has(url.hostname);
    const upstream = viaSocket
      ? connect(localSocketPath(deps.socketDir!, url.port || 80))
      : connect(Number(url.port || 80), url.hostname.replace(/^\[|\]$/g, ''));
    let connected = false;
    upstream.setTimeout(deps.connectTimeoutMs ?? 5_000);
    upstream.once('timeout', () => upstream.destroy(new Error('connect timeout')));
    upstream.once('error', (err) => {
      log.warn({ err, upstream: match.service }, 'websocket tunnel failed');
      if (!connected) {
        deps.resolver.reportFailure(instance);
        refuse(client, 502, 'ALP_GATEWAY_UPSTREAM_UNAVAILABLE');
      } else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      open.add(client).add(upstream);
      upstream.write(upstreamHandshake(req, requestId));
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream).pipe(client);
      log.info({ upstream: match.service, instance: instance.instanceId }, 'websocket tunnel open');
    });
    const close = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', close);
    client.once('error', close);
    upstream.once('close', close);
  }

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    handle(req, socket, head).catch((err: unknown) => {
      app.log.error({ err }, 'websocket upgrade failed');
      refuse(socket, 502, 'ALP_GATEWAY_UPSTREAM_UNAVAILABLE');
    });
  });
  app.addHook('onClose', async () => {
    for (const s of open) s.destroy();
  });
}
