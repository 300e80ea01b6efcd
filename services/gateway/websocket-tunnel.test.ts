import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { createStaticResolver } from '../platform/discovery/index.js';
import { createStaticKeySet } from '../platform/security/index.js';
import { build } from './app.js';
import { gatewayConfig } from './testing/gateway-config.js';
import { accessToken, jwks } from './testing/tokens.js';

/*
 * WebSocket upgrades through the gateway, over real sockets: a WebSocket server stands in for
 * graphql-gateway at the edge (it echoes every message and records the handshake it got).
 */

let upstream: WebSocketServer;
let upstreamUrl = '';
const handshakes: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
let gw: FastifyInstance;
let base = '';

beforeAll(async () => {
  upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => upstream.once('listening', r));
  upstream.on('connection', (socket, req) => {
    handshakes.push({ url: req.url, headers: req.headers });
    socket.on('message', (data) => socket.send(`echo:${String(data)}`));
  });
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gw = await build(
    gatewayConfig({ CORS_ORIGINS: 'https://app.alphintra.dev', RATE_LIMIT_MAX: 3 }),
    { logger: false },
    {
      keys: createStaticKeySet(jwks),
      resolver: createStaticResolver({ 'graphql-gateway': upstreamUrl }),
    },
  );
  await gw.listen({ host: '127.0.0.1', port: 0 });
  base = `ws://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await gw?.close();
  for (const c of upstream?.clients ?? []) c.terminate();
  await new Promise((r) => upstream?.close(r));
});

/** Opens a WebSocket through the gateway (the client speaks the real protocol). */
function open(path: string, headers: Record<string, string> = {}) {
  return new Promise<UndiciWebSocket>((resolve, reject) => {
    const ws = new UndiciWebSocket(`${base}${path}`, {
      protocols: ['graphql-transport-ws'],
      headers,
    } as never);
    ws.addEventListener('open', () => resolve(ws));
    ws.addEventListener('error', () => reject(new Error(`${path}: the upgrade was refused`)));
  });
}

/** The gateway's answer to an upgrade it refuses (status, code), read as plain HTTP. */
function refusal(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; code: unknown }>((resolve, reject) => {
    const req = request(`${base.replace(/^ws/, 'http')}${path}`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', () => reject(new Error(`${path}: upgraded`)));
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          code: (JSON.parse(body) as { code: unknown }).code,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('WebSocket upgrades through the gateway', () => {
  test('a subscription socket reaches graphql-gateway: messages both ways, the request id and the client address travel', async () => {
    const ws = await open('/graphql', {
      authorization: `Bearer ${accessToken({ sub: 'user-ws' })}`,
      'x-request-id': 'ws-req-0001',
    });
    const reply = new Promise<string>((r) =>
      ws.addEventListener('message', (m) => r(String(m.data))),
    );
    ws.send('hello');
    expect(await reply).toBe('echo:hello');
    ws.close();
    const seen = handshakes.at(-1)!;
    expect(seen.url).toBe('/graphql');
    expect(seen.headers['sec-websocket-protocol']).toBe('graphql-transport-ws');
    expect(seen.headers['x-request-id']).toBe('ws-req-0001');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  test('refused before the handshake: an unrouted path, a service without WebSockets, a foreign origin, an invalid token', async () => {
    const before = handshakes.length;
    expect(await refusal('/nowhere')).toEqual({ status: 404, code: 'ALP_REQUEST_NOT_FOUND' });
    // A routed service that takes no WebSockets (the catalog says which do).
    expect(await refusal('/api/v1/orders')).toEqual({
      status: 400,
      code: 'ALP_GATEWAY_UPGRADE_UNSUPPORTED',
    });
    expect(await refusal('/graphql', { origin: 'https://evil.example' })).toEqual({
      status: 403,
      code: 'ALP_GATEWAY_ORIGIN_FORBIDDEN',
    });
    expect(await refusal('/graphql', { authorization: 'Bearer not-a-token' })).toEqual({
      status: 401,
      code: 'ALP_AUTH_TOKEN_INVALID',
    });
    expect(handshakes.length).toBe(before);
  });

  test('upgrades count against the rate limit (3 a window here): the fourth is a 429', async () => {
    const user = { authorization: `Bearer ${accessToken({ sub: 'user-limited' })}` };
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push(await open('/graphql', user));
    expect(await refusal('/graphql', user)).toEqual({
      status: 429,
      code: 'ALP_GATEWAY_RATE_LIMITED',
    });
    for (const ws of opened) ws.close();
  });
});
