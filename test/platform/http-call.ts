import { Agent, request } from 'undici';

/** One HTTP exchange with a platform process, as the edge tests look at it. */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Wall time of the exchange, in milliseconds. */
  ms: number;
}

export interface HttpOptions {
  token?: string;
  body?: unknown;
  requestId?: string;
  timeoutMs?: number;
  /** Local source address (any of 127.0.0.0/8), so the platform sees a distinct client. */
  from?: string;
  headers?: Record<string, string>;
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

/** Sends one request and never throws on an HTTP status (a network error does throw). */
export async function http(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  opts: HttpOptions = {},
): Promise<HttpResult> {
  const started = performance.now();
  const res = await request(url, {
    method,
    headers: {
      ...opts.headers,
      ...(opts.body !== undefined && { 'content-type': 'application/json' }),
      ...(opts.token !== undefined && { authorization: `Bearer ${opts.token}` }),
      ...(opts.requestId !== undefined && { 'x-request-id': opts.requestId }),
    },
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
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
