import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import { Pool } from 'undici';
import type { ServiceName } from '../catalog.js';
import { defineErrors, withExtras } from './errors.js';
import { localSocketConnector } from './local-socket.js';
import { createServiceTokenSource, type ServiceTokenSource } from './security/index.js';

/*
 * Service-to-service calls: one undici Pool per upstream (keep-alive, bounded connections),
 * a deadline per call that really aborts it, JSON in and out, a service token addressed to the
 * target on every call (or, for a call made on a user's behalf, the user's own token), and the
 * caller's request id and trace context propagated. Failures
 * become typed errors from one registry, so a route that does not catch them still answers a
 * clean problem+json (502/503/504) instead of a stack.
 */

export const serviceClientErrors = defineErrors({
  ALP_UPSTREAM_UNAVAILABLE: { status: 503, message: 'service %s is unavailable' },
  ALP_UPSTREAM_TIMEOUT: { status: 504, message: 'service %s did not answer within %s ms' },
  ALP_UPSTREAM_REJECTED: { status: 502, message: 'service %s answered %s' },
});

/** What the upstream said when it refused a call (its problem+json, when it sent one). */
export interface UpstreamAnswer {
  readonly service: string;
  readonly status: number;
  /** The upstream's `code` (e.g. ALP_USER_NOT_FOUND), or undefined when it sent no problem+json. */
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly title: string | undefined;
}

export type UpstreamRejectedError = InstanceType<
  (typeof serviceClientErrors)['ALP_UPSTREAM_REJECTED']
> & { readonly upstream: UpstreamAnswer };

export function isUpstreamRejected(err: unknown): err is UpstreamRejectedError {
  return (
    (err as { code?: unknown })?.code === 'ALP_UPSTREAM_REJECTED' &&
    typeof (err as { upstream?: unknown }).upstream === 'object'
  );
}

/** The part of an incoming request whose identity travels with the call. */
export interface CallContext {
  readonly id: string;
  readonly trace: { readonly traceId: string; readonly sampled: boolean };
}

export interface CallOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path on the upstream, starting with `/` (e.g. `/internal/users`). */
  readonly path: string;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  /** The incoming request this call serves: its x-request-id and traceparent are propagated. */
  readonly context?: CallContext;
  /** Deadline for the whole call, token fetch included (default: the client's). */
  readonly timeoutMs?: number;
  /**
   * The caller's own `Authorization` header, sent instead of a service token: the upstream
   * then checks the user and scopes the call to that user itself (graphql-gateway's fields).
   */
  readonly authorization?: string;
  /** More request headers (e.g. Idempotency-Key); the client's own headers win. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts the call (a closed subscription); the abort's reason is thrown as it is. */
  readonly signal?: AbortSignal;
}

export interface ServiceResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body; undefined for an empty body (204). */
  readonly body: T;
}

export interface ServiceClient {
  /** Calls `target`; a non-2xx answer rejects with ALP_UPSTREAM_REJECTED (see `upstream`). */
  call<T = unknown>(target: ServiceName, opts: CallOptions): Promise<ServiceResponse<T>>;
  close(): Promise<void>;
}

export interface ServiceClientOptions {
  /** This service's name (sub of its service tokens). */
  readonly service: string;
  /** Base URL per upstream this service may call (from `<UPSTREAM>_URL`). */
  readonly upstreams: Partial<Record<ServiceName, string>>;
  /** Service tokens; default: fetched from auth with `credential`. */
  readonly tokens?: ServiceTokenSource;
  /** SERVICE_CREDENTIAL, used by the default token source. */
  readonly credential?: string;
  readonly timeoutMs?: number;
  /** Connections per upstream. */
  readonly connections?: number;
  /** Largest accepted response body. */
  readonly maxResponseBytes?: number;
  /** SOCKET_DIR: loopback upstreams are reached through their Unix sockets there. */
  readonly socketDir?: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Typed client for calls to the services this one depends on or calls. */
    services: ServiceClient;
  }
}

function traceparent(ctx: CallContext | undefined): string | undefined {
  if (!ctx) return undefined;
  // A new span id per outgoing call; the trace id ties it to the incoming request.
  const span = randomBytes(8).toString('hex');
  return `00-${ctx.trace.traceId}-${span}-${ctx.trace.sampled ? '01' : '00'}`;
}

function isTimeout(err: unknown, signal: AbortSignal): boolean {
  const e = err as { name?: string; code?: string };
  return (
    signal.aborted ||
    e.name === 'TimeoutError' ||
    e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e.code === 'UND_ERR_BODY_TIMEOUT' ||
    e.code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

const TOKEN_EXCHANGE_PATH = '/internal/service-tokens';

/** The call that obtains a service token cannot itself carry one. */
function isTokenExchange(target: ServiceName, o: CallOptions): boolean {
  return target === 'auth' && o.path === TOKEN_EXCHANGE_PATH;
}

export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const defaultTimeout = opts.timeoutMs ?? 5_000;
  const maxBytes = opts.maxResponseBytes ?? 1024 * 1024;
  const pools = new Map<string, { pool: Pool; prefix: string }>();

  function poolFor(target: ServiceName): { pool: Pool; prefix: string } {
    const hit = pools.get(target);
    if (hit) return hit;
    const base = opts.upstreams[target];
    if (!base) throw new Error(`${opts.service} has no URL for ${target} (not an upstream)`);
    const url = new URL(base);
    const entry = {
      pool: new Pool(url.origin, {
        connections: opts.connections ?? 16,
        keepAliveTimeout: 10_000,
        connect: localSocketConnector(opts.socketDir, {
          timeout: Math.min(defaultTimeout, 3_000),
        }),
      }),
      prefix: url.pathname.replace(/\/+$/, ''),
    };
    pools.set(target, entry);
    return entry;
  }

  async function send<T>(
    target: ServiceName,
    o: CallOptions,
    authorization: string | undefined,
    signal: AbortSignal,
  ): Promise<ServiceResponse<T>> {
    const { pool, prefix } = poolFor(target);
    const headers: Record<string, string> = { ...o.headers, accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    if (o.context) headers['x-request-id'] = o.context.id;
    const tp = traceparent(o.context);
    if (tp) headers.traceparent = tp;
    let payload: string | undefined;
    if (o.body !== undefined) {
      payload = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await pool.request({
      path: `${prefix}${o.path}`,
      method: o.method ?? 'GET',
      headers,
      body: payload ?? null,
      signal,
    });
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new Error(`${target} answered more than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const type = String(res.headers['content-type'] ?? '');
    let parsed: unknown;
    if (text.length > 0 && /json/.test(type)) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return { status: res.statusCode, headers: res.headers, body: parsed as T };
    }
    const problem = (parsed ?? {}) as { code?: unknown; detail?: unknown; title?: unknown };
    const upstream: UpstreamAnswer = {
      service: target,
      status: res.statusCode,
      code: typeof problem.code === 'string' ? problem.code : undefined,
      detail: typeof problem.detail === 'string' ? problem.detail : undefined,
      title: typeof problem.title === 'string' ? problem.title : undefined,
    };
    const err = new serviceClientErrors.ALP_UPSTREAM_REJECTED(target, res.statusCode);
    throw withExtras(Object.assign(err, { upstream }), {
      upstream: { service: target, status: res.statusCode },
    });
  }

  const client: ServiceClient = {
    async call<T>(target: ServiceName, o: CallOptions) {
      poolFor(target); // an unknown upstream is a bug, not an outage: fail before the try
      const timeoutMs = o.timeoutMs ?? defaultTimeout;
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = o.signal ? AbortSignal.any([deadline, o.signal]) : deadline;
      try {
        const authorization =
          o.authorization ??
          (isTokenExchange(target, o) ? undefined : `Bearer ${await tokens.getToken(target)}`);
        return await send<T>(target, o, authorization, signal);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('ALP_')) throw err;
        if (o.signal?.aborted) throw err;
        if (isTimeout(err, deadline)) {
          throw Object.assign(new serviceClientErrors.ALP_UPSTREAM_TIMEOUT(target, timeoutMs), {
            cause: err,
          });
        }
        throw Object.assign(new serviceClientErrors.ALP_UPSTREAM_UNAVAILABLE(target), {
          cause: err,
        });
      }
    },
    async close() {
      await Promise.all([...pools.values()].map(({ pool }) => pool.close()));
      pools.clear();
    },
  };

  // Auth hands out tokens in exchange for this service's credential; the exchange itself goes
  // through this client (same pool, same deadline handling) without a token.
  const tokens =
    opts.tokens ??
    createServiceTokenSource({
      fetchToken: async (audience) => {
        if (!opts.credential) throw new Error(`${opts.service} has no SERVICE_CREDENTIAL`);
        const res = await client.call<{ token: string; expiresIn: number }>('auth', {
          method: 'POST',
          path: TOKEN_EXCHANGE_PATH,
          body: { service: opts.service, credential: opts.credential, audience },
        });
        return { token: res.body.token, expiresInSec: res.body.expiresIn };
      },
    });

  return client;
}

/** Decorates `app.services` and closes its pools with the app. */
export const serviceClientPlugin = fp<ServiceClientOptions>(
  async (app, opts) => {
    const client = createServiceClient(opts);
    app.decorate('services', client);
    app.addHook('onClose', () => client.close());
  },
  { name: 'alphintra-service-client', fastify: '5.x' },
);
