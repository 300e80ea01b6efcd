import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';

/*
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must not cross the proxy;
 * nor may any header the sender lists in `Connection`. `host` and `content-length` are set by
 * the client library for the upstream connection and the buffered body.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
// `expect` (100-continue) is a per-connection negotiation the gateway already completed.
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'content-length', 'expect', 'traceparent']);

export type OutgoingHeaders = Record<string, string | string[]>;

function listedInConnection(headers: IncomingHttpHeaders): Set<string> | null {
  const c = headers.connection;
  if (typeof c !== 'string' || c === '' || /^\s*(keep-alive|close)\s*$/i.test(c)) return null;
  return new Set(c.split(',').map((t) => t.trim().toLowerCase()));
}

function copyEndToEnd(headers: IncomingHttpHeaders, drop: ReadonlySet<string>): OutgoingHeaders {
  const extra = listedInConnection(headers);
  const out: OutgoingHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || drop.has(name) || extra?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

// Span ids come from a pool refilled 512 at a time: one random call per request costs more
// than the rest of the header work.
const spanPool = Buffer.alloc(8 * 512);
let spanOffset = spanPool.length;

function spanId(): string {
  if (spanOffset === spanPool.length) {
    randomFillSync(spanPool);
    spanOffset = 0;
  }
  const id = spanPool.toString('hex', spanOffset, spanOffset + 8);
  spanOffset += 8;
  return id;
}

/** A W3C traceparent for the next hop: same trace id, a new span id (this hop's span). */
export function childTraceparent(trace: FastifyRequest['trace']): string {
  return `00-${trace.traceId}-${spanId()}-${trace.sampled ? '01' : '00'}`;
}

/**
 * The headers sent upstream: every end-to-end header of the client request (Authorization
 * included: services verify the token again), the request id, a child traceparent and the
 * X-Forwarded-* trio.
 */
export function upstreamRequestHeaders(request: FastifyRequest): OutgoingHeaders {
  const out = copyEndToEnd(request.headers, NOT_FORWARDED);
  out['x-request-id'] = String(request.id);
  out.traceparent = childTraceparent(request.trace);
  const prior = request.headers['x-forwarded-for'];
  out['x-forwarded-for'] = typeof prior === 'string' ? `${prior}, ${request.ip}` : request.ip;
  out['x-forwarded-proto'] = request.protocol;
  out['x-forwarded-host'] = request.host;
  return out;
}

/** The upstream's response headers minus hop-by-hop ones (the gateway frames its own response). */
export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHeaders {
  return copyEndToEnd(headers, HOP_BY_HOP);
}
