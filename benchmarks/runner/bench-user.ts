import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { ExternalError, UserError } from '../../cli/lib/errors.js';
import type { BenchUser } from '../scenarios/scenario.js';
import { START_HINT } from './targets.js';

/** Cash the bench user starts with: enough for tens of thousands of one-share orders. */
export const BENCH_DEPOSIT = '1000000000.00';
/** Below these, the platform's per-user limits would turn most bench requests into errors. */
export const MIN_RATE_LIMIT = 1_000_000;
export const MIN_ORDERS_PER_MINUTE = 600_000;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

async function call(
  gateway: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = `${gateway}${path}`;
  // undici's request, not fetch: fetch refuses the WHATWG "bad ports" (6000, 6665...).
  try {
    const res = await request(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the error message.
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  } catch (err) {
    throw new ExternalError(
      'ALP_BENCH_SETUP_FAILED',
      `bench setup could not reach ${url}: ${(err as Error).message}`,
      {
        target: `${method} ${url}`,
        exit: 'precondition',
        cause: err,
        suggestions: ['check the platform: alphintra status'],
      },
    );
  }
}

function expectStatus(a: Answer, status: number, what: string, target: string): void {
  if (a.status === status) return;
  throw new ExternalError('ALP_BENCH_SETUP_FAILED', `bench setup: ${what} answered ${a.status}`, {
    target,
    status: a.status,
    exit: 'precondition',
    outputTail: [JSON.stringify(a.body).slice(0, 500)],
    suggestions: ['check the service logs: alphintra logs'],
  });
}

/**
 * A fresh user for this invocation, through the gateway as a real client: register, log in,
 * deposit paper cash. A new user per run keeps runs independent (no orders left over).
 */
export async function createBenchUser(gateway: string): Promise<BenchUser> {
  const email = `bench-${randomUUID()}@bench.alphintra.dev`;
  const password = randomBytes(18).toString('base64url');
  const reg = await call(gateway, 'POST', '/api/v1/auth/register', { email, password });
  expectStatus(reg, 201, 'register', 'POST /api/v1/auth/register');
  const login = await call(gateway, 'POST', '/api/v1/auth/login', { email, password });
  expectStatus(login, 200, 'login', 'POST /api/v1/auth/login');
  const session = login.body as { accessToken: string; user: { id: string } };
  const auth = { authorization: `Bearer ${session.accessToken}` };
  const deposit = await call(
    gateway,
    'POST',
    '/api/v1/accounts/me/deposits',
    { amount: BENCH_DEPOSIT, currency: 'USD' },
    { ...auth, 'idempotency-key': `bench-deposit-${randomUUID()}` },
  );
  expectStatus(deposit, 201, 'deposit', 'POST /api/v1/accounts/me/deposits');
  return { email, userId: session.user.id, accessToken: session.accessToken };
}

/**
 * Makes sure `user` has at least `count` orders, placing one-share market buys through the
 * gateway for the difference, so that a read of the user's orders reads a full page rather
 * than an empty one. Returns how many orders it placed.
 */
export async function ensureOrders(
  gateway: string,
  user: BenchUser,
  count: number,
  progress: (line: string) => void = () => {},
): Promise<number> {
  const auth = { authorization: `Bearer ${user.accessToken}` };
  const page = await call(gateway, 'GET', `/api/v1/orders?limit=${count}`, undefined, auth);
  expectStatus(page, 200, 'orders read', 'GET /api/v1/orders');
  const have = ((page.body as { items?: unknown[] }).items ?? []).length;
  const missing = Math.max(0, count - have);
  if (missing > 0) progress(`placing ${missing} orders for ${user.email} (the page it reads)`);
  for (let i = 0; i < missing; i++) {
    const placed = await call(
      gateway,
      'POST',
      '/api/v1/orders',
      { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
      { ...auth, 'idempotency-key': `bench-seed-${randomUUID()}` },
    );
    expectStatus(placed, 201, 'order placement', 'POST /api/v1/orders');
  }
  return missing;
}

/**
 * The gateway's per-user limit must not be what the bench measures: every request of a
 * run counts against the one bench user.
 */
export async function checkRateLimit(gateway: string, user: BenchUser): Promise<number | null> {
  const a = await call(gateway, 'GET', '/api/v1/users/me', undefined, {
    authorization: `Bearer ${user.accessToken}`,
  });
  expectStatus(a, 200, 'profile read', 'GET /api/v1/users/me');
  const header = a.headers['x-ratelimit-limit'];
  const limit = typeof header === 'string' ? Number(header) : null;
  if (limit !== null && limit < MIN_RATE_LIMIT) {
    throw new UserError(
      'ALP_BENCH_RATE_LIMIT_TOO_LOW',
      `the gateway allows ${limit} requests per window per user; a bench run sends far more`,
      {
        suggestions: [`restart the platform with a bench limit: alphintra down && ${START_HINT}`],
      },
    );
  }
  return limit;
}

/** Risk approves at most maxOrdersPerMinute per user; the order scenario needs far more. */
export async function checkOrderRate(gateway: string, user: BenchUser): Promise<number> {
  const a = await call(gateway, 'GET', '/api/v1/risk/limits', undefined, {
    authorization: `Bearer ${user.accessToken}`,
  });
  expectStatus(a, 200, 'risk limits read', 'GET /api/v1/risk/limits');
  const perMinute = Number((a.body as { maxOrdersPerMinute?: unknown }).maxOrdersPerMinute);
  if (!(perMinute >= MIN_ORDERS_PER_MINUTE)) {
    throw new UserError(
      'ALP_BENCH_ORDER_RATE_TOO_LOW',
      `risk approves ${perMinute} orders per minute per user; the order scenario needs ${MIN_ORDERS_PER_MINUTE} or more`,
      {
        suggestions: [`restart the platform with bench limits: alphintra down && ${START_HINT}`],
      },
    );
  }
  return perMinute;
}
