import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  catalog,
  SERVICE_NAMES,
  services,
  usesBus,
  type ServiceName,
} from '../../../../services/catalog.js';
import { buildRouteTable } from '../../../../services/gateway/domain/route-table.js';
import { loadMigrations } from '../../../../services/platform/migrate.js';
import { migrationsDir } from '../../../../services/platform/package-root.js';
import { describeAnswer } from '../../e2e/expect.js';
import { codeOf, headerOf, type HttpMethod, type HttpResult } from '../../e2e/http.js';
import { readEvents } from '../../runtime/local/bus-view.js';
import { readDiscovery } from '../../runtime/local/discovery-view.js';
import { JWT_AUDIENCE, JWT_ISSUER, LOCAL_CORS_ORIGINS } from '../../runtime/local/env.js';
import { isAlive } from '../../runtime/local/liveness.js';
import { databaseFor, serviceDatabaseUrl } from '../../runtime/local/postgres/database-names.js';
import { instancePort, planInstances } from '../../runtime/local/port-plan.js';
import {
  expectNoProblems,
  skip,
  type CheckEntry,
  type LivePlatform,
  type ValidateContext,
} from '../checks.js';

/*
 * Live checks (V032-V045) against the running local platform, found through
 * ALPHINTRA_HOME/state.json. Each goes through the gateway as a real client from its own
 * address, or straight to an instance where the check is about that instance.
 */

/** One request that must reach a route's service, and what it answers with a token. */
export interface RouteProbe {
  readonly method: HttpMethod;
  readonly path: string;
  readonly body?: unknown;
  /** Status with a fresh trader's token. */
  readonly status: number;
  /** For an answer that is a problem: its code (proves the service, not the edge, answered). */
  readonly code?: string;
}

const NIL_ID = '00000000-0000-4000-8000-000000000000';

/**
 * One probe per gateway route prefix. A prefix added to the catalog without a probe here
 * fails V038 (so no route goes unchecked).
 */
export const ROUTE_PROBES: Readonly<Record<string, RouteProbe>> = {
  '/api/v1/auth': { method: 'GET', path: '/api/v1/auth/me', status: 200 },
  '/.well-known/jwks.json': { method: 'GET', path: '/.well-known/jwks.json', status: 200 },
  '/graphql': { method: 'POST', path: '/graphql', body: { query: '{ __typename }' }, status: 200 },
  '/api/v1/users': { method: 'GET', path: '/api/v1/users/me', status: 200 },
  '/api/v1/orders': { method: 'GET', path: '/api/v1/orders', status: 200 },
  '/api/v1/positions': { method: 'GET', path: '/api/v1/positions', status: 200 },
  '/api/v1/risk': { method: 'GET', path: '/api/v1/risk/limits', status: 200 },
  '/api/v1/market': { method: 'GET', path: '/api/v1/market/instruments', status: 200 },
  '/api/v1/accounts': { method: 'GET', path: '/api/v1/accounts/me', status: 200 },
  '/api/v1/strategies': { method: 'GET', path: '/api/v1/strategies/types', status: 200 },
  '/api/v1/workflows': { method: 'GET', path: '/api/v1/workflows/components', status: 200 },
  '/api/v1/notifications': {
    method: 'POST',
    path: '/api/v1/notifications/webhooks/check',
    body: { url: 'http://127.0.0.1/alphintra-validate' },
    status: 422,
    code: 'ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED',
  },
};

/**
 * A route of each service that verifies the token itself (not only at the edge): without a
 * token it must answer 401 even when called directly, with one the given status.
 */
export const PROTECTED_PROBES: Readonly<Partial<Record<ServiceName, RouteProbe>>> = {
  auth: { method: 'GET', path: '/api/v1/auth/me', status: 200 },
  user: { method: 'GET', path: '/api/v1/users/me', status: 200 },
  trading: { method: 'GET', path: '/api/v1/orders', status: 200 },
  risk: { method: 'GET', path: '/api/v1/risk/limits', status: 200 },
  broker: { method: 'GET', path: '/api/v1/accounts/me', status: 200 },
  strategy: {
    method: 'GET',
    path: `/api/v1/strategies/${NIL_ID}`,
    status: 404,
    code: 'ALP_STRATEGY_NOT_FOUND',
  },
  'no-code': {
    method: 'GET',
    path: `/api/v1/workflows/${NIL_ID}`,
    status: 404,
    code: 'ALP_WORKFLOW_NOT_FOUND',
  },
  notification: ROUTE_PROBES['/api/v1/notifications'],
};

/** Prometheus families every service must export (platform kit: services/platform/plugins/metrics.ts). */
export const REQUIRED_FAMILIES: readonly [string, string][] = [
  ['http_request_duration_seconds', 'histogram'],
  ['process_cpu_seconds_total', 'counter'],
  ['process_resident_memory_bytes', 'gauge'],
  ['nodejs_heap_size_used_bytes', 'gauge'],
  ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
  ['nodejs_gc_duration_seconds', 'histogram'],
];

/** What the gateway exports besides (services/gateway/edge/gateway-metrics.ts). */
export const GATEWAY_FAMILIES: readonly [string, string][] = [
  ['gateway_circuit_breaker_state', 'gauge'],
  ['gateway_upstream_request_duration_seconds', 'histogram'],
  ['gateway_upstream_retries_total', 'counter'],
  ['gateway_rate_limit_rejections_total', 'counter'],
  ['gateway_rate_limit_store_fallbacks_total', 'counter'],
];

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromText {
  types: Map<string, string>;
  samples: PromSample[];
  /** Lines that are neither a comment nor a sample. */
  invalid: string[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the Prometheus text exposition format (0.0.4), keeping what it could not parse. */
export function parsePrometheus(text: string): PromText {
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  const invalid: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const t = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (t) types.set(t[1]!, t[2]!);
      else if (!/^# HELP \S+/.test(line)) invalid.push(line);
      continue;
    }
    const m = SAMPLE.exec(line);
    const value = m ? Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]) : NaN;
    if (!m || (Number.isNaN(value) && m[3] !== 'NaN')) {
      invalid.push(line);
      continue;
    }
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value });
  }
  return { types, samples, invalid };
}

/** V041 for one scrape: families present with their types, service and instance labels. */
export function metricsProblems(
  who: string,
  text: string,
  families: readonly [string, string][],
  labels: { service: string; instance: string },
): string[] {
  const problems: string[] = [];
  const parsed = parsePrometheus(text);
  for (const line of parsed.invalid.slice(0, 3))
    problems.push(`${who}: not Prometheus text: ${line}`);
  for (const [name, type] of families) {
    const got = parsed.types.get(name);
    if (got === undefined) problems.push(`${who}: no ${name} family`);
    else if (got !== type) problems.push(`${who}: ${name} is a ${got}, expected ${type}`);
  }
  const own = parsed.samples.find((s) => s.name === 'process_resident_memory_bytes');
  if (own && (own.labels.service !== labels.service || own.labels.instance !== labels.instance)) {
    problems.push(
      `${who}: samples labelled service=${own.labels.service} instance=${own.labels.instance}, expected ${labels.service}/${labels.instance}`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------- helpers

const idOf = (p: LivePlatform, service: ServiceName) =>
  p.instances.filter((i) => i.service === service);

/** A fresh trader: registered and logged in through the gateway from the check's address. */
async function freshUser(
  ctx: ValidateContext,
): Promise<{ id: string; email: string; token: string }> {
  const email = `validate-${randomUUID()}@validate.alphintra.dev`;
  const password = randomBytes(18).toString('base64url');
  const send = async (urlPath: string) => {
    for (let attempt = 0; ; attempt++) {
      const res = await ctx.call('POST', urlPath, { body: { email, password } });
      if (res.status !== 429 || attempt === 3) return res;
      const wait = Number(headerOf(res, 'retry-after') ?? 1);
      await sleep(Math.min(Math.max(wait, 1), 60) * 1000, undefined, { signal: ctx.signal });
    }
  };
  const reg = await send('/api/v1/auth/register');
  if (reg.status !== 201)
    throw new Error(`register through the gateway: expected 201, got ${describeAnswer(reg)}`);
  const id = (reg.body as { id?: unknown }).id;
  const login = await send('/api/v1/auth/login');
  if (login.status !== 200)
    throw new Error(`login through the gateway: expected 200, got ${describeAnswer(login)}`);
  const token = (login.body as { accessToken?: unknown }).accessToken;
  if (typeof id !== 'string' || typeof token !== 'string') {
    throw new Error(`register/login answered no id or token: ${describeAnswer(login)}`);
  }
  return { id, email, token };
}

/** A probe's answer against its expectation; undefined when it matched. */
function probeProblem(what: string, probe: RouteProbe, res: HttpResult): string | undefined {
  if (res.status !== probe.status)
    return `${what}: expected ${probe.status}, got ${describeAnswer(res)}`;
  if (probe.code !== undefined && codeOf(res) !== probe.code) {
    return `${what}: expected problem ${probe.code}, got ${describeAnswer(res)}`;
  }
  return undefined;
}

const send = (ctx: ValidateContext, base: string, probe: RouteProbe, token?: string) =>
  ctx.fetch(probe.method, `${base}${probe.path}`, {
    ...(probe.body !== undefined && { body: probe.body }),
    ...(token !== undefined && { token }),
  });

function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [h, c] = token.split('.');
  const parse = (s: string | undefined) =>
    JSON.parse(Buffer.from(s ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(h), claims: parse(c) };
}

async function dbPasswords(p: LivePlatform): Promise<Record<string, string>> {
  try {
    return JSON.parse(
      await readFile(path.join(p.paths.keys, 'db-passwords.json'), 'utf8'),
    ) as Record<string, string>;
  } catch (err) {
    throw new Error(
      `cannot read ${path.join(p.paths.keys, 'db-passwords.json')}: ${(err as Error).message}`,
    );
  }
}

/** Runs `fn` on a connection as `role` to `database`; the connection error when refused. */
async function asRole<T>(
  p: LivePlatform,
  role: string,
  password: string,
  database: string,
  fn: (c: pg.Client) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string; message: string }> {
  const pgState = p.state.postgres!;
  const client = new pg.Client({
    connectionString: serviceDatabaseUrl(pgState.url, role, password, database),
    connectionTimeoutMillis: 5000,
    query_timeout: 5000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { ok: true, value: await fn(client) };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, code: e.code ?? 'error', message: e.message ?? String(err) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A variable of a running process's environment (Linux /proc): its value, undefined when not
 * set, null when the environment cannot be read.
 */
async function processEnv(pid: number | null, name: string): Promise<string | undefined | null> {
  if (pid === null) return null;
  try {
    const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
    const hit = raw.split('\0').find((kv) => kv.startsWith(`${name}=`));
    return hit?.slice(name.length + 1);
  } catch {
    return null;
  }
}

function routedPrefixes(): { prefix: string; service: ServiceName; public: boolean }[] {
  return services.flatMap((s) =>
    s.routes.map((r) => ({
      prefix: r.prefix,
      service: s.name,
      public: (r.public ?? []).includes(ROUTE_PROBES[r.prefix]?.path ?? ''),
    })),
  );
}

// ---------------------------------------------------------------- the checks

export const live: CheckEntry[] = [
  {
    id: 'V032',
    phase: 'L',
    title: 'every planned instance is running and ready (local target: processes; no pods or PVCs)',
    async run(ctx) {
      const p = ctx.live();
      const problems: string[] = [];
      if (p.state.phase !== 'running')
        problems.push(`state.json phase is ${p.state.phase}, not running`);
      const plan = planInstances(p.state.options.portBase, p.state.options.scale ?? {});
      for (const want of plan) {
        const i = p.instances.find((x) => x.id === want.id);
        if (!i) {
          problems.push(`${want.id} is planned but not in state.json`);
          continue;
        }
        if (!isAlive(i.pid)) {
          problems.push(`${i.id}: process ${i.pid ?? '(none)'} is not running`);
          continue;
        }
        const ready = await ctx.fetch('GET', `${p.urlOf(i)}/health/ready`).catch((e: Error) => e);
        if (ready instanceof Error)
          problems.push(`${i.id}: GET /health/ready failed: ${ready.message}`);
        else if (ready.status !== 200)
          problems.push(`${i.id}: GET /health/ready answered ${describeAnswer(ready)}`);
      }
      expectNoProblems(problems, 'instances');
      ctx.note(`${plan.length} instances running and ready`);
    },
  },
  {
    id: 'V033',
    phase: 'L',
    title:
      '/health/live and /health/ready answer correctly everywhere, and readiness lists each dependency',
    async run(ctx) {
      const p = ctx.live();
      const problems: string[] = [];
      for (const i of p.instances) {
        const base = p.urlOf(i);
        const live = await ctx.fetch('GET', `${base}/health/live`).catch((e: Error) => e);
        if (live instanceof Error) {
          problems.push(`${i.id}: GET /health/live failed: ${live.message}`);
          continue;
        }
        if (live.status !== 200 || (live.body as { status?: unknown })?.status !== 'ok') {
          problems.push(
            `${i.id}: GET /health/live answered ${describeAnswer(live)}, expected 200 {"status":"ok"}`,
          );
        }
        const ready = await ctx.fetch('GET', `${base}/health/ready`);
        const body = ready.body as { status?: unknown; checks?: Record<string, { ok?: boolean }> };
        if (ready.status !== 200 || body?.status !== 'ready') {
          problems.push(
            `${i.id}: GET /health/ready answered ${describeAnswer(ready)}, expected 200 ready`,
          );
          continue;
        }
        const spec = catalog[i.service];
        const expected = [
          ...(spec.postgres ? ['postgres'] : []),
          ...(usesBus(spec) ? ['bus'] : []),
          ...(spec.redis === 'optional' && p.state.redisUrl ? ['redis'] : []),
        ];
        const checks = body.checks ?? {};
        for (const dep of expected) {
          if (!(dep in checks))
            problems.push(
              `${i.id}: readiness does not check ${dep} (checks: ${Object.keys(checks).join(', ') || 'none'})`,
            );
          else if (checks[dep]!.ok !== true)
            problems.push(`${i.id}: ready although ${dep} is ${JSON.stringify(checks[dep])}`);
        }
      }
      expectNoProblems(problems, 'health');
      ctx.note(
        `${p.instances.length} instances; dependencies checked: postgres, bus${p.state.redisUrl ? ', redis' : ''}`,
      );
    },
  },
  {
    id: 'V034',
    phase: 'L',
    title:
      "each service connects as its own role, owns its database, has migrations at head, and cannot connect to another's database",
    timeoutMs: 60_000,
    async run(ctx) {
      const p = ctx.live();
      if (!p.state.postgres) skip('PostgreSQL is not resolved in state.json');
      const passwords = await dbPasswords(p);
      const prefix = p.state.options.dbPrefix;
      const withDb = SERVICE_NAMES.filter((n) => catalog[n].postgres);
      const problems: string[] = [];
      for (const [k, name] of withDb.entries()) {
        const { database, role } = databaseFor(name, prefix);
        const password = passwords[role];
        if (password === undefined) {
          problems.push(`${name}: no password for role ${role}`);
          continue;
        }
        const own = await asRole(p, role, password, database, async (c) => {
          const who = await c.query<{ user: string; owner: string }>(
            `SELECT current_user AS user, pg_get_userbyid(d.datdba) AS owner
               FROM pg_database d WHERE d.datname = current_database()`,
          );
          const versions = await c.query<{ version: string }>(
            'SELECT version FROM schema_migrations ORDER BY version',
          );
          return { ...who.rows[0]!, versions: versions.rows.map((r) => r.version) };
        });
        if (!own.ok) {
          problems.push(`${name}: ${role} cannot use ${database}: ${own.code} ${own.message}`);
        } else {
          if (own.value.user !== role)
            problems.push(`${name}: connected as ${own.value.user}, not ${role}`);
          if (own.value.owner !== role)
            problems.push(`${name}: ${database} is owned by ${own.value.owner}, not ${role}`);
          const files = (await loadMigrations(migrationsDir(name))).map((m) => m.version);
          const missing = files.filter((v) => !own.value.versions.includes(v));
          const unknown = own.value.versions.filter((v) => !files.includes(v));
          if (missing.length > 0)
            problems.push(`${name}: migrations not applied: ${missing.join(', ')}`);
          if (unknown.length > 0)
            problems.push(`${name}: applied migrations with no file: ${unknown.join(', ')}`);
        }
        // The next service's database (in catalog order, wrapping): connecting must be refused.
        const other = databaseFor(withDb[(k + 1) % withDb.length]!, prefix);
        const cross = await asRole(p, role, password, other.database, async (c) => {
          await c.query('SELECT 1');
        });
        if (cross.ok) problems.push(`${role} can connect to ${other.database}`);
        else if (cross.code !== '42501') {
          problems.push(
            `${role} → ${other.database}: refused with ${cross.code} ${cross.message}, expected 42501 (no CONNECT privilege)`,
          );
        }
      }
      expectNoProblems(problems, 'databases');
      ctx.note(
        `${withDb.length} databases: owner, role, migrations, and a refused connection to the next service's database`,
      );
    },
  },
  {
    id: 'V035',
    phase: 'L',
    title:
      'Redis (when configured) answers PONG with auth, has a safe eviction policy, rate-limit keys carry TTLs',
    async run(ctx) {
      const p = ctx.live();
      if (!p.state.redisUrl)
        skip('REDIS_URL is not configured for this platform (in-process stores)');
      const { Redis } = await import('ioredis');
      const redis = new Redis(p.state.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        connectTimeout: 5000,
      });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        const problems: string[] = [];
        const pong = await redis.ping();
        if (pong !== 'PONG') problems.push(`PING answered ${pong}`);
        const policy = await redis.config('GET', 'maxmemory-policy').catch((e: Error) => e);
        if (policy instanceof Error)
          ctx.note(`maxmemory-policy not readable (${policy.message}): not checked`);
        else {
          const value = (policy as string[])[1] ?? '';
          // Evicting keys without a TTL (allkeys-*) could drop counters mid-window.
          if (
            ![
              'noeviction',
              'volatile-lru',
              'volatile-lfu',
              'volatile-ttl',
              'volatile-random',
            ].includes(value)
          ) {
            problems.push(`maxmemory-policy is ${value}, expected noeviction or volatile-*`);
          }
        }
        // One counted request so that at least one key exists.
        const keys = await ctx.live().keys();
        await ctx.call('GET', '/api/v1/market/instruments', {
          token: keys.accessToken(randomUUID(), ['trader']),
        });
        const [, found] = await redis.scan('0', 'MATCH', 'alphintra:ratelimit:*', 'COUNT', 1000);
        if (found.length === 0)
          problems.push('no alphintra:ratelimit:* key after a counted request');
        for (const k of found.slice(0, 50)) {
          const ttl = await redis.pttl(k);
          if (ttl < 0) problems.push(`${k} has no TTL (${ttl})`);
        }
        expectNoProblems(problems, 'redis');
        ctx.note(`${found.length} rate-limit keys, all with a TTL`);
      } finally {
        redis.disconnect();
      }
    },
  },
  {
    id: 'V036',
    phase: 'L',
    title:
      'every running instance is registered in discovery, and the gateway reaches every upstream',
    async run(ctx) {
      const p = ctx.live();
      const problems: string[] = [];
      const view = await readDiscovery(p.state, p.paths, 5000);
      if (!view.ok) throw new Error(`discovery could not be read: ${view.error}`);
      for (const i of p.instances.filter((x) => isAlive(x.pid))) {
        const regs = view.instances.get(i.service) ?? [];
        const reg = regs.find((r) => r.instanceId === i.id);
        if (!reg)
          problems.push(
            `${i.id} is running but not registered (registered: ${regs.map((r) => r.instanceId).join(', ') || 'none'})`,
          );
        else if (!reg.url.endsWith(`:${i.port}`))
          problems.push(`${i.id} is registered at ${reg.url}, but listens on ${i.port}`);
      }
      const keys = await p.keys();
      const token = keys.accessToken(randomUUID(), ['trader']);
      for (const r of routedPrefixes()) {
        const probe = ROUTE_PROBES[r.prefix];
        if (!probe) continue; // V038 reports a prefix without a probe
        const res = await send(ctx, p.gateway, probe, token);
        const code = String(codeOf(res) ?? '');
        if (code.startsWith('ALP_GATEWAY_') || [502, 503, 504].includes(res.status)) {
          problems.push(
            `${r.service} via ${probe.method} ${probe.path}: the gateway did not reach it: ${describeAnswer(res)}`,
          );
        }
      }
      expectNoProblems(problems, 'discovery');
      ctx.note(
        `${[...view.instances.values()].flat().length} registrations; ${routedPrefixes().length} routes reached`,
      );
    },
  },
  {
    id: 'V037',
    phase: 'L',
    title:
      'auth contract: JWKS served, a fresh token validates at the gateway and at every service, no token → 401 everywhere',
    timeoutMs: 60_000,
    async run(ctx) {
      const p = ctx.live();
      const problems: string[] = [];
      const keys = await p.keys();
      const jwks = await ctx.call('GET', '/.well-known/jwks.json');
      const set = (jwks.body as { keys?: Record<string, unknown>[] })?.keys;
      if (jwks.status !== 200 || !Array.isArray(set))
        throw new Error(`GET /.well-known/jwks.json: ${describeAnswer(jwks)}`);
      const key = set.find((k) => k.kid === keys.kid);
      if (!key)
        problems.push(
          `the JWKS has no key ${keys.kid} (kids: ${set.map((k) => String(k.kid)).join(', ')})`,
        );
      else if (key.kty !== 'RSA' || (key.alg !== undefined && key.alg !== 'RS256')) {
        problems.push(
          `JWKS key ${keys.kid} is ${String(key.kty)}/${String(key.alg)}, expected RSA/RS256`,
        );
      }
      const user = await freshUser(ctx);
      const { header, claims } = decodeJwt(user.token);
      if (header.alg !== 'RS256') problems.push(`token alg ${String(header.alg)}, expected RS256`);
      if (header.kid !== keys.kid)
        problems.push(`token kid ${String(header.kid)}, expected ${keys.kid}`);
      if (claims.iss !== JWT_ISSUER)
        problems.push(`token iss ${String(claims.iss)}, expected ${JWT_ISSUER}`);
      const aud = [claims.aud].flat();
      if (!aud.includes(JWT_AUDIENCE))
        problems.push(`token aud ${JSON.stringify(claims.aud)}, expected ${JWT_AUDIENCE}`);
      if (claims.sub !== user.id)
        problems.push(`token sub ${String(claims.sub)}, expected ${user.id}`);
      const me = await ctx.call('GET', '/api/v1/auth/me', { token: user.token });
      if (me.status !== 200)
        problems.push(`gateway GET /api/v1/auth/me with the token: ${describeAnswer(me)}`);
      const anon = await ctx.call('GET', '/api/v1/auth/me');
      if (anon.status !== 401)
        problems.push(`gateway GET /api/v1/auth/me without a token: ${describeAnswer(anon)}`);
      let checked = 0;
      for (const name of SERVICE_NAMES) {
        const probe = PROTECTED_PROBES[name];
        if (!probe) continue;
        for (const i of idOf(p, name).filter((x) => isAlive(x.pid))) {
          const what = `${i.id} ${probe.method} ${probe.path}`;
          const withToken = await send(ctx, p.urlOf(i), probe, user.token);
          const bad = probeProblem(`${what} with the token`, probe, withToken);
          if (bad) problems.push(bad);
          const without = await send(ctx, p.urlOf(i), probe);
          if (without.status !== 401)
            problems.push(
              `${what} without a token (straight to the service): expected 401, got ${describeAnswer(without)}`,
            );
          checked++;
        }
      }
      expectNoProblems(problems, 'auth contract');
      ctx.note(
        `token of ${user.email} checked at the gateway and ${checked} instances; graphql-gateway and the gateway itself have no own protected route`,
      );
    },
  },
  {
    id: 'V038',
    phase: 'L',
    title:
      'one request per gateway route reaches its service with a token, and protected routes refuse without one',
    timeoutMs: 60_000,
    async run(ctx) {
      const p = ctx.live();
      const problems: string[] = [];
      const user = await freshUser(ctx);
      const table = buildRouteTable(services);
      for (const r of routedPrefixes()) {
        const probe = ROUTE_PROBES[r.prefix];
        if (!probe) {
          problems.push(`route ${r.prefix} (${r.service}) has no probe in ROUTE_PROBES`);
          continue;
        }
        if (table.match(probe.path)?.service !== r.service) {
          problems.push(`probe ${probe.path} does not route to ${r.service}`);
          continue;
        }
        const res = await send(ctx, p.gateway, probe, user.token);
        const bad = probeProblem(`${probe.method} ${probe.path} with a token`, probe, res);
        if (bad) problems.push(bad);
        const anon = await send(ctx, p.gateway, probe);
        if (r.public) {
          if (anon.status === 401)
            problems.push(`${probe.path} is public but refused without a token`);
        } else if (anon.status !== 401 || codeOf(anon) !== 'ALP_AUTH_TOKEN_MISSING') {
          problems.push(
            `${probe.method} ${probe.path} without a token: expected 401 ALP_AUTH_TOKEN_MISSING, got ${describeAnswer(anon)}`,
          );
        }
      }
      expectNoProblems(problems, 'gateway routes');
      ctx.note(`${routedPrefixes().length} routes, each with and without a token`);
    },
  },
  {
    id: 'V039',
    phase: 'L',
    title:
      'rate limiting is active with the configured limit and its headers (per user and per anonymous address)',
    async run(ctx) {
      const p = ctx.live();
      const gw = idOf(p, 'gateway')[0];
      const configured = await processEnv(gw?.pid ?? null, 'RATE_LIMIT_MAX');
      const limit = typeof configured === 'string' ? Number(configured) : 100;
      const source =
        configured === null
          ? "the gateway's default: its environment is not readable here"
          : configured === undefined
            ? "the gateway's default: RATE_LIMIT_MAX is not set"
            : 'RATE_LIMIT_MAX of the gateway process';
      ctx.note(`limit ${limit} (${source})`);
      const keys = await p.keys();
      const token = keys.accessToken(randomUUID(), ['trader']);
      const problems: string[] = [];
      for (const [who, opts, probe] of [
        ['a fresh user', { token }, ROUTE_PROBES['/api/v1/market']!],
        ['this anonymous address', {}, ROUTE_PROBES['/.well-known/jwks.json']!],
      ] as const) {
        const a = await ctx.call(probe.method, probe.path, opts);
        const b = await ctx.call(probe.method, probe.path, opts);
        for (const [n, res, remaining] of [
          [1, a, limit - 1],
          [2, b, limit - 2],
        ] as const) {
          const h = (name: string) => headerOf(res, name);
          if (res.status !== 200) problems.push(`${who}, request ${n}: ${describeAnswer(res)}`);
          if (h('x-ratelimit-limit') !== String(limit))
            problems.push(
              `${who}, request ${n}: x-ratelimit-limit ${h('x-ratelimit-limit')}, expected ${limit}`,
            );
          if (h('x-ratelimit-remaining') !== String(remaining))
            problems.push(
              `${who}, request ${n}: x-ratelimit-remaining ${h('x-ratelimit-remaining')}, expected ${remaining}`,
            );
          const reset = Number(h('x-ratelimit-reset'));
          if (!(reset >= 0 && reset <= 3600))
            problems.push(`${who}, request ${n}: x-ratelimit-reset ${h('x-ratelimit-reset')}`);
        }
      }
      expectNoProblems(problems, 'rate limit');
    },
  },
  {
    id: 'V040',
    phase: 'L',
    title: 'every circuit breaker of the gateway is exported as a metric and closed',
    async run(ctx) {
      const p = ctx.live();
      const routed = [...new Set(buildRouteTable(services).routes.map((r) => r.service))];
      const problems: string[] = [];
      for (const gw of idOf(p, 'gateway').filter((i) => isAlive(i.pid))) {
        const res = await ctx.fetch(
          'GET',
          `${p.urlOf(gw)}/metrics?name=gateway_circuit_breaker_state`,
        );
        const text = typeof res.body === 'string' ? res.body : '';
        const samples = parsePrometheus(text).samples.filter(
          (s) => s.name === 'gateway_circuit_breaker_state',
        );
        for (const u of routed) {
          const s = samples.find((x) => x.labels.upstream === u);
          if (!s) problems.push(`${gw.id}: no breaker state for ${u}`);
          else if (s.value !== 0)
            problems.push(
              `${gw.id}: breaker of ${u} is ${s.value === 2 ? 'open' : 'half-open'} (${s.value})`,
            );
        }
        for (const s of samples) {
          if (!routed.includes(s.labels.upstream as ServiceName))
            problems.push(
              `${gw.id}: a breaker for ${s.labels.upstream}, which the gateway does not route to`,
            );
        }
      }
      expectNoProblems(problems, 'circuit breakers');
      ctx.note(`${routed.length} breakers closed: ${routed.join(', ')}`);
    },
  },
  {
    id: 'V041',
    phase: 'L',
    title: 'every /metrics serves Prometheus text with the required families',
    async run(ctx) {
      const p = ctx.live();
      const problems: string[] = [];
      for (const i of p.instances.filter((x) => isAlive(x.pid))) {
        const res = await ctx.fetch('GET', `${p.urlOf(i)}/metrics`);
        const type = headerOf(res, 'content-type') ?? '';
        if (res.status !== 200 || !type.startsWith('text/plain')) {
          problems.push(`${i.id}: GET /metrics answered ${res.status} ${type}`);
          continue;
        }
        const families =
          i.service === 'gateway' ? [...REQUIRED_FAMILIES, ...GATEWAY_FAMILIES] : REQUIRED_FAMILIES;
        problems.push(
          ...metricsProblems(i.id, String(res.body ?? ''), families, {
            service: i.service,
            instance: i.id,
          }),
        );
      }
      expectNoProblems(problems, 'metrics');
      ctx.note(
        `families: ${REQUIRED_FAMILIES.map(([n]) => n).join(', ')} (+ ${GATEWAY_FAMILIES.length} on the gateway)`,
      );
    },
  },
  {
    id: 'V042',
    phase: 'L',
    title:
      'a request through the gateway carries one trace id across its hops (gateway → auth → user, in the JSON logs)',
    alone: true,
    timeoutMs: 30_000,
    async run(ctx) {
      const p = ctx.live();
      const traceId = randomBytes(16).toString('hex');
      const email = `validate-trace-${randomUUID()}@validate.alphintra.dev`;
      const res = await ctx.call('POST', '/api/v1/auth/register', {
        body: { email, password: randomBytes(18).toString('base64url') },
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      if (res.status !== 201)
        throw new Error(`register with a traceparent: ${describeAnswer(res)}`);
      const hops: ServiceName[] = ['gateway', 'auth', 'user'];
      const lines = async (s: ServiceName) => {
        const texts = await Promise.all(
          idOf(p, s).map((i) => readFile(i.log, 'utf8').catch(() => '')),
        );
        return texts.flatMap((t) => t.split('\n')).filter((l) => l.includes(traceId));
      };
      let missing: ServiceName[] = hops;
      for (let waited = 0; waited < 5000 && missing.length > 0; waited += 250) {
        const found = await Promise.all(
          hops.map(async (s) => [s, (await lines(s)).length] as const),
        );
        missing = found.filter(([, n]) => n === 0).map(([s]) => s);
        if (missing.length > 0) await sleep(250, undefined, { signal: ctx.signal });
      }
      const problems = missing.map((s) => `${s} logged no line with trace id ${traceId}`);
      for (const s of hops) {
        for (const l of await lines(s)) {
          try {
            const parsed = JSON.parse(l) as { traceId?: unknown };
            if (parsed.traceId !== traceId)
              problems.push(`${s} logged the trace id under another traceId: ${l.slice(0, 200)}`);
          } catch {
            problems.push(`${s}: a log line that is not JSON: ${l.slice(0, 200)}`);
          }
        }
      }
      expectNoProblems(problems, 'trace');
      ctx.note(
        `trace ${traceId} in ${hops.join(', ')} (spans are not exported: no OTLP collector locally; log lines stand for them)`,
      );
    },
  },
  {
    id: 'V043',
    phase: 'L',
    title:
      'the event pipeline is healthy: nothing dead-lettered or failed, consumers caught up (oldest waiting < 30 s)',
    async run(ctx) {
      const p = ctx.live();
      const view = await readEvents(p.state, p.paths, 5000);
      if (!view.ok) throw new Error(`the event bus could not be read: ${view.error}`);
      const problems: string[] = [];
      if (view.deadLettered > 0) problems.push(`${view.deadLettered} dead-lettered events`);
      for (const q of view.queues)
        if (q.failed > 0) problems.push(`${q.name}: ${q.failed} failed deliveries`);
      if (view.oldestWaitingS >= 30)
        problems.push(`the oldest waiting event is ${view.oldestWaitingS} s old`);
      expectNoProblems(problems, 'event pipeline');
      ctx.note(
        `${view.waiting} waiting, oldest ${view.oldestWaitingS} s; the outbox relay lag is not read (no per-service outbox view yet)`,
      );
    },
  },
  {
    id: 'V044',
    phase: 'L',
    title:
      "the live configuration matches the catalog: every instance's GET / names it, its profile, and it listens on its planned port",
    async run(ctx) {
      const p = ctx.live();
      const problems: string[] = [];
      const { portBase, profile } = p.state.options;
      for (const i of p.instances.filter((x) => isAlive(x.pid))) {
        const planned = instancePort(i.service, i.index, portBase);
        if (i.port !== planned) problems.push(`${i.id} listens on ${i.port}, planned ${planned}`);
        const res = await ctx.fetch('GET', `${p.urlOf(i)}/`);
        const b = res.body as Record<string, unknown> | undefined;
        if (res.status !== 200 || typeof b !== 'object') {
          problems.push(`${i.id}: GET / answered ${describeAnswer(res)}`);
          continue;
        }
        const expect: Record<string, unknown> = {
          service: i.service,
          instance: i.id,
          profile,
          summary: catalog[i.service].summary,
        };
        for (const [k, v] of Object.entries(expect)) {
          if (b[k] !== v)
            problems.push(
              `${i.id}: GET / says ${k}=${JSON.stringify(b[k])}, expected ${JSON.stringify(v)}`,
            );
        }
        if (!Array.isArray(b.implemented) || !Array.isArray(b.pending))
          problems.push(`${i.id}: GET / has no implemented/pending capabilities`);
      }
      expectNoProblems(problems, 'live configuration');
      ctx.note(`${p.instances.length} instances, profile ${profile}, port base ${portBase}`);
    },
  },
  {
    id: 'V045',
    phase: 'L',
    title:
      'the edge is hardened: security headers, CORS does not reflect unknown origins, errors carry no stack',
    async run(ctx) {
      const problems: string[] = [];
      const evil = 'https://evil.example';
      const answers: [string, HttpResult][] = [
        ['200 GET /.well-known/jwks.json', await ctx.call('GET', '/.well-known/jwks.json')],
        ['401 GET /api/v1/orders', await ctx.call('GET', '/api/v1/orders')],
        ['404 GET /api/v1/no-such-area', await ctx.call('GET', '/api/v1/no-such-area')],
        [
          '400 POST /api/v1/auth/login (malformed JSON)',
          await ctx.call('POST', '/api/v1/auth/login', {
            rawBody: '{"email": ',
            headers: { 'content-type': 'application/json' },
          }),
        ],
      ];
      for (const [what, res] of answers) {
        const want = Number(what.slice(0, 3));
        if (res.status !== want) problems.push(`${what}: got ${describeAnswer(res)}`);
        const h = (n: string) => headerOf(res, n);
        if (h('x-content-type-options') !== 'nosniff')
          problems.push(`${what}: x-content-type-options ${h('x-content-type-options')}`);
        if (!/max-age=\d+/.test(h('strict-transport-security') ?? ''))
          problems.push(`${what}: no strict-transport-security`);
        if (!h('content-security-policy')) problems.push(`${what}: no content-security-policy`);
        if (!h('x-frame-options') && !h('content-security-policy')?.includes('frame-ancestors'))
          problems.push(`${what}: framing not refused`);
        if (h('x-powered-by') !== undefined)
          problems.push(`${what}: x-powered-by ${h('x-powered-by')}`);
        if (want >= 400) {
          const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
          if (/"stack"|\n\s+at |\bat [\w.<>]+ \(|node_modules/.test(text))
            problems.push(`${what}: the error body carries a stack: ${text.slice(0, 200)}`);
        }
      }
      for (const method of ['GET', 'OPTIONS'] as const) {
        const res = await ctx.call(method, '/.well-known/jwks.json', {
          headers: { origin: evil, 'access-control-request-method': 'GET' },
        });
        if (headerOf(res, 'access-control-allow-origin') !== undefined) {
          problems.push(
            `${method} from ${evil}: access-control-allow-origin ${headerOf(res, 'access-control-allow-origin')}`,
          );
        }
      }
      const allowed = (process.env.CORS_ORIGINS ?? LOCAL_CORS_ORIGINS).split(',')[0]!.trim();
      const pre = await ctx.call('OPTIONS', '/api/v1/orders', {
        headers: { origin: allowed, 'access-control-request-method': 'POST' },
      });
      if (headerOf(pre, 'access-control-allow-origin') !== allowed) {
        problems.push(
          `preflight from the allowed ${allowed}: access-control-allow-origin ${headerOf(pre, 'access-control-allow-origin')} (CORS is not working at all)`,
        );
      }
      expectNoProblems(problems, 'edge');
      ctx.note(
        `${answers.length} answers checked for headers; ${evil} not reflected; ${allowed} allowed`,
      );
    },
  },
];
