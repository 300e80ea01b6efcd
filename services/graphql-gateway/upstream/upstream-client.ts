import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { localSocketConnector } from '../../platform/index.js';
import type { Caller } from '../caller.js';
import { refusalError, unreachableError } from './upstream-error.js';

/*
 * Calls to the services the graph reads, on behalf of the user: the user's own access token
 * (not a service token), so each service authenticates and scopes the call to that user
 * itself; the request id and the trace context travel along. One keep-alive pool per service,
 * a deadline that really aborts the call, bounded answers.
 */

export type UpstreamName = 'user' | 'trading' | 'broker';

export interface UpstreamRequest {
  readonly method?: 'GET' | 'POST';
  /** Path and query on the service, starting with `/`. */
  readonly path: string;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly caller: Caller;
  readonly signal?: AbortSignal;
}

export interface UpstreamAnswer<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body (undefined when empty). */
  readonly body: T;
}

export interface UpstreamClient {
  /** A 2xx answer, else a GraphQL-ready error (the service's code, or ALP_UPSTREAM_*). */
  call<T>(target: UpstreamName, req: UpstreamRequest): Promise<UpstreamAnswer<T>>;
  close(): Promise<void>;
}

export interface UpstreamClientOptions {
  /** Base URL per service (USER_URL, TRADING_URL, BROKER_URL). */
  readonly upstreams: Readonly<Record<UpstreamName, string>>;
  /** SOCKET_DIR: loopback services are reached through their Unix sockets there. */
  readonly socketDir?: string | undefined;
  readonly timeoutMs?: number;
  readonly connections?: number;
  readonly maxResponseBytes?: number;
}

/** W3C traceparent for one outgoing call: the caller's trace, a new span. */
export function childTraceparent(trace: Caller['trace']): string {
  const span = randomBytes(8).toString('hex');
  return `00-${trace.traceId}-${span}-${trace.sampled ? '01' : '00'}`;
}

function timedOut(err: unknown, deadline: AbortSignal): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    deadline.aborted ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

export function createUpstreamClient(opts: UpstreamClientOptions): UpstreamClient {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const maxBytes = opts.maxResponseBytes ?? 1024 * 1024;
  const pools = new Map<UpstreamName, { pool: Pool; prefix: string }>();

  function poolFor(target: UpstreamName): { pool: Pool; prefix: string } {
    let entry = pools.get(target);
    if (!entry) {
      const url = new URL(opts.upstreams[target]);
      entry = {
        pool: new Pool(url.origin, {
          connections: opts.connections ?? 16,
          keepAliveTimeout: 10_000,
          connect: localSocketConnector(opts.socketDir, { timeout: Math.min(timeoutMs, 3_000) }),
        }),
        prefix: url.pathname.replace(/\/+$/, ''),
      };
      pools.set(target, entry);
    }
    return entry;
  }

  async function send<T>(
    target: UpstreamName,
    req: UpstreamRequest,
    signal: AbortSignal,
  ): Promise<UpstreamAnswer<T>> {
    const { pool, prefix } = poolFor(target);
    const headers: Record<string, string> = {
      ...req.headers,
      accept: 'application/json',
      authorization: req.caller.authorization,
      'x-request-id': req.caller.requestId,
      traceparent: childTraceparent(req.caller.trace),
    };
    let payload: string | null = null;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const res = await pool.request({
      path: `${prefix}${req.path}`,
      method: req.method ?? 'GET',
      headers,
      body: payload,
      signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new Error(`${target} answered more than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if (text.length > 0 && /json/.test(String(res.headers['content-type'] ?? ''))) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw refusalError({ service: target, status: res.statusCode, body });
    }
    return { status: res.statusCode, headers: res.headers, body: body as T };
  }

  return {
    async call<T>(target: UpstreamName, req: UpstreamRequest) {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
      try {
        return await send<T>(target, req, signal);
      } catch (err) {
        if ((err as { extensions?: unknown }).extensions) throw err;
        if (req.signal?.aborted) throw err;
        const error = timedOut(err, deadline)
          ? unreachableError(target, timeoutMs)
          : unreachableError(target);
        throw Object.assign(error, { cause: err });
      }
    },
    async close() {
      await Promise.all([...pools.values()].map(({ pool }) => pool.close()));
      pools.clear();
    },
  };
}
