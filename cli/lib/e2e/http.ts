import { Agent, request } from 'undici';

/** One HTTP exchange with a platform process, as a test looks at it. */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the text (undefined when empty). */
  body: unknown;
  /** Wall time of the exchange, in milliseconds. */
  ms: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS';

export interface HttpOptions {
  token?: string;
  /** Sent as JSON, unless `rawBody` is given. */
  body?: unknown;
  /** Sent as is (with `headers['content-type']` if any): oversize or malformed bodies. */
  rawBody?: string | Buffer;
  requestId?: string;
  timeoutMs?: number;
  /** Local source address (any of 127.0.0.0/8), so the platform sees a distinct client. */
  from?: string;
  headers?: Record<string, string>;
  /** Aborts the exchange (the test's deadline). */
  signal?: AbortSignal;
}

const agents = new Map<string, Agent>();
function agentFrom(localAddress: string): Agent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new Agent({ localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

/** Closes the per-address agents (their keep-alive sockets would hold the process open). */
export async function closeAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close().catch(() => undefined)));
}

/** Sends one request and never throws on an HTTP status (a network error does throw). */
export async function http(
  method: HttpMethod,
  url: string,
  opts: HttpOptions = {},
): Promise<HttpResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 15_000);
  const json = opts.rawBody === undefined && opts.body !== undefined;
  const res = await request(url, {
    method,
    headers: {
      ...(json && { 'content-type': 'application/json' }),
      ...opts.headers,
      ...(opts.token !== undefined && { authorization: `Bearer ${opts.token}` }),
      ...(opts.requestId !== undefined && { 'x-request-id': opts.requestId }),
    },
    ...(json && { body: JSON.stringify(opts.body) }),
    ...(opts.rawBody !== undefined && { body: opts.rawBody }),
    signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
    ...(opts.from !== undefined && { dispatcher: agentFrom(opts.from) }),
  });
  const text = await res.body.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.statusCode, headers: res.headers, body, ms: performance.now() - started };
}

/** `code` of a problem+json body, or undefined. */
export function codeOf(r: HttpResult): unknown {
  return typeof r.body === 'object' && r.body !== null
    ? (r.body as { code?: unknown }).code
    : undefined;
}

/** One header's value as a string (the first, if repeated). */
export function headerOf(r: HttpResult, name: string): string | undefined {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
