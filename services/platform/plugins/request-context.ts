import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest, RawRequestDefaultExpression } from 'fastify';
import fp from 'fastify-plugin';
import { LazyLogger } from './lazy-logger.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** W3C trace context of this request (propagated from `traceparent` or started here). */
    trace: { traceId: string; parentId: string | null; sampled: boolean };
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Propagates a well-formed `x-request-id` or makes a new one; a malformed one (log injection,
 * megabyte ids) is replaced, never trusted.
 */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function parseTraceparent(
  header: unknown,
): { traceId: string; parentId: string; sampled: boolean } | null {
  if (typeof header !== 'string') return null;
  const m = TRACEPARENT.exec(header.trim());
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return null;
  return { traceId: m[1]!, parentId: m[2]!, sampled: (parseInt(m[3]!, 16) & 1) === 1 };
}

type Trace = FastifyRequest['trace'];
/** Where the child logger factory leaves the trace it parsed for the onRequest hook. */
const TRACE = Symbol('alphintra.trace');
type TracedRaw = RawRequestDefaultExpression & { [TRACE]?: Trace };

function traceFor(req: IncomingMessage): Trace {
  const parent = parseTraceparent(req.headers.traceparent);
  return parent
    ? { traceId: parent.traceId, parentId: parent.parentId, sampled: parent.sampled }
    : { traceId: randomUUID().replace(/-/g, ''), parentId: null, sampled: true };
}

/**
 * Echoes the request id, binds the request id and trace id to every log line of the request,
 * and logs each completed request once.
 */
export const requestContextPlugin = fp(
  async (app) => {
    app.decorateRequest('trace', null as never);
    // Fastify asks for one child logger per request (binding reqId); the trace id is bound in
    // that same child, which is only made if the request logs more than its access line.
    app.setChildLoggerFactory((logger, bindings, opts, raw) => {
      const trace = traceFor(raw);
      (raw as TracedRaw)[TRACE] = trace;
      return new LazyLogger(logger, { ...bindings, traceId: trace.traceId }, opts).asLogger();
    });
    // Callback-style hooks: they run on every request of every service, and an async hook
    // costs a promise and a trip through the microtask queue each.
    app.addHook('onRequest', (request, reply, done) => {
      const raw = request.raw as TracedRaw;
      const trace = raw[TRACE];
      if (trace) {
        request.trace = trace;
      } else {
        // A route whose logger was made without the factory above.
        request.trace = traceFor(request.raw);
        request.log = request.log.child({ traceId: request.trace.traceId });
      }
      reply.header('x-request-id', request.id);
      done();
    });
    // One line per request (Fastify's default is two), with the route template for grouping.
    app.addHook('onResponse', (request, reply, done) => {
      const line = {
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      const log: unknown = request.log;
      if (log instanceof LazyLogger) log.infoLine(line, 'request completed');
      else request.log.info(line, 'request completed');
      done();
    });
  },
  { name: 'alphintra-request-context', fastify: '5.x' },
);
