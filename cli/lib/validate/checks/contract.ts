import { loadSchemaModels, schemaProblems } from '../schemas.js';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TObject } from '@sinclair/typebox';
import Fastify from 'fastify';
import {
  catalog,
  portOf,
  SERVICE_NAMES,
  services,
  upstreamEnvVar,
  upstreamsOf,
  type ServiceName,
  type ServiceSpec,
} from '../../../../services/catalog.js';
import { configSchema as authSchema } from '../../../../services/auth/config.js';
import { configSchema as brokerSchema } from '../../../../services/broker/config.js';
import { configSchema as gatewaySchema } from '../../../../services/gateway/config.js';
import { configSchema as graphqlGatewaySchema } from '../../../../services/graphql-gateway/config.js';
import { configSchema as noCodeSchema } from '../../../../services/no-code/config.js';
import { configSchema as notificationSchema } from '../../../../services/notification/config.js';
import { configSchema as riskSchema } from '../../../../services/risk/config.js';
import { configSchema as strategySchema } from '../../../../services/strategy/config.js';
import { configSchema as tradingSchema } from '../../../../services/trading/config.js';
import { configSchema as userSchema } from '../../../../services/user/config.js';
import { buildRouteTable } from '../../../../services/gateway/domain/route-table.js';
import { createUpstreamCaller } from '../../../../services/gateway/edge/upstream-caller.js';
import { parseConfig } from '../../../../services/platform/config.js';
import { ConfigError } from '../../../../services/platform/errors.js';
import { packageRoot } from '../../../../services/platform/package-root.js';
import { healthPlugin } from '../../../../services/platform/plugins/health.js';
import { buildServiceEnv, INHERITED } from '../../runtime/local/env.js';
import { envContext, LOCAL_HOST, platformDatabases } from '../../runtime/local/env-context.js';
import { DEFAULT_DB_PREFIX } from '../../runtime/local/options.js';
import { planInstances } from '../../runtime/local/port-plan.js';
import { readyUrl } from '../../runtime/local/readiness.js';
import { manifestDrift, manifestsDir } from '../../manifests/files.js';
import { REGISTRY, renderManifests } from '../../manifests/render.js';
import { packageVersion } from '../../manifests/version.js';
import { expectNoProblems, manifestCheck, type CheckEntry } from '../checks.js';
import {
  clusterUrlProblems,
  imageProblems,
  namespaceProblems,
  portTriangleProblems,
  referenceProblems,
  selectorProblems,
} from '../manifest-rules.js';

/*
 * Contract and wiring (V001-V013): the class of bug the old platform shipped. Each check is a
 * pure function over its inputs (so a test can feed it a broken catalog or env and see it
 * fail) and a thin wrapper that feeds it the real catalog, schemas and env builder.
 */

/** Every service's config schema, as the services themselves parse their env with it. */
export const CONFIG_SCHEMAS: Record<ServiceName, TObject> = {
  gateway: gatewaySchema,
  'graphql-gateway': graphqlGatewaySchema,
  auth: authSchema,
  user: userSchema,
  trading: tradingSchema,
  risk: riskSchema,
  broker: brokerSchema,
  strategy: strategySchema,
  'no-code': noCodeSchema,
  notification: notificationSchema,
};

/** What V001 needs of a service. */
export type GraphNode = Pick<ServiceSpec, 'name' | 'port' | 'dependsOn' | 'calls'>;

// ---------------------------------------------------------------- V001

/** V001: unique names and ports, known dependencies, no self-edge, no start-order cycle. */
export function serviceGraphProblems(list: readonly GraphNode[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const s of list) {
    if (names.has(s.name)) problems.push(`service name ${s.name} is declared twice`);
    names.add(s.name);
  }
  const byPort = new Map<number, string>();
  for (const s of list) {
    const other = byPort.get(s.port);
    if (other !== undefined) problems.push(`port ${s.port} is taken by ${other} and ${s.name}`);
    else byPort.set(s.port, s.name);
  }
  for (const s of list) {
    for (const [kind, deps] of [
      ['depends on', s.dependsOn],
      ['calls', s.calls ?? []],
    ] as const) {
      for (const d of deps) {
        if (!names.has(d)) problems.push(`${s.name} ${kind} unknown service ${d}`);
        if (d === s.name) problems.push(`${s.name} ${kind} itself`);
      }
    }
  }
  // A cycle in dependsOn (the start-order gate): depth-first, naming the cycle's path.
  const deps = new Map(list.map((s) => [s.name as string, s.dependsOn as readonly string[]]));
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles = new Set<string>();
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      cycles.add(cycle.join(' → '));
      return;
    }
    state.set(name, 'visiting');
    for (const d of deps.get(name) ?? []) if (deps.has(d) && d !== name) visit(d, [...trail, name]);
    state.set(name, 'done');
  };
  for (const s of list) visit(s.name, []);
  for (const c of cycles) problems.push(`dependency cycle: ${c}`);
  return problems;
}

// ---------------------------------------------------------------- V002

/**
 * Process-level variables every Node child gets (not configuration: no schema reads them);
 * the runtime passes them from the CLI's environment.
 */
export const PROCESS_VARIABLES: ReadonlySet<string> = new Set([...INHERITED, 'NODE_OPTIONS']);

/**
 * V002 for one service: every variable its schema requires is set, no variable is set that
 * its schema does not read, and the values pass the schema (types, patterns).
 */
export function envContractProblems(
  service: string,
  schema: TObject,
  env: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  const reads = new Set(Object.keys(schema.properties));
  for (const key of schema.required ?? []) {
    if (env[key] === undefined || env[key] === '') {
      problems.push(`${service}: its schema requires ${key}, the runtime does not set it`);
    }
  }
  for (const key of Object.keys(env)) {
    if (!reads.has(key) && !PROCESS_VARIABLES.has(key)) {
      problems.push(`${service}: the runtime sets ${key}, which its schema does not read`);
    }
  }
  const picked: Record<string, string> = {};
  for (const key of reads) if (env[key] !== undefined && env[key] !== '') picked[key] = env[key];
  try {
    parseConfig(schema, picked, service);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) {
      // A missing required key is reported above already, in the contract's words.
      if (picked[p.key] !== undefined)
        problems.push(`${service}: ${p.key}=${JSON.stringify(picked[p.key])}: ${p.message}`);
    }
  }
  return problems;
}

/** The variants of the local runtime's env the S checks build (Redis or not, sockets or not). */
export interface EnvSample {
  readonly label: string;
  readonly envs: ReadonlyMap<ServiceName, Record<string, string>>;
  readonly portBase: number;
}

/** The env every service's first instance gets from the real env builder, for sample contexts. */
export function sampleEnvs(): EnvSample[] {
  const portBase = catalog.gateway.port;
  const passwords = Object.fromEntries(
    platformDatabases(DEFAULT_DB_PREFIX).map((d) => [d.role, `pw-${d.role}`]),
  );
  const build = (label: string, redisUrl: string | undefined, socketDir: string | undefined) => {
    const ctx = envContext({
      profile: 'dev',
      logLevel: 'info',
      portBase,
      dbPrefix: DEFAULT_DB_PREFIX,
      serverUrl: 'postgres://127.0.0.1:5432/',
      socketDir: undefined,
      passwords,
      redisUrl,
      keys: {
        jwtPrivateKeyFile: '/keys/jwt-private.pem',
        jwtPublicKeyFile: '/keys/jwt-public.pem',
        jwtKid: 'sample-kid',
        certPrivateKeyFile: '/keys/cert-private.pem',
        certPublicKeyFile: '/keys/cert-public.pem',
        created: false,
      },
      serviceCredentialMaster: 'm'.repeat(64),
      // What a developer's shell has; nothing beyond the process variables may reach a service.
      parentEnv: { PATH: '/usr/bin:/bin', HOME: '/home/dev', LANG: 'C.UTF-8', EDITOR: 'vi' },
      serviceSocketDir: socketDir,
    });
    const envs = new Map<ServiceName, Record<string, string>>();
    for (const plan of planInstances(portBase, {})) {
      if (plan.index === 0)
        envs.set(plan.service, buildServiceEnv(catalog[plan.service], plan, ctx).env);
    }
    return { label, envs, portBase };
  };
  return [
    build('embedded default (no Redis, TCP)', undefined, undefined),
    build('with REDIS_URL and Unix sockets', 'redis://127.0.0.1:6379', '/tmp/alphintra-run'),
  ];
}

// ---------------------------------------------------------------- V003

/**
 * V003 for one service: every http(s) URL in its env points at the local host, on the port of
 * a catalog service, in the variable named after that service, which this service declares as
 * an upstream.
 */
export function upstreamUrlProblems(
  service: ServiceName,
  env: Readonly<Record<string, string>>,
  opts: {
    host: string;
    serviceAtPort: (port: number) => ServiceName | undefined;
    upstreams: readonly ServiceName[];
  },
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    // URL-valued variables (CORS_ORIGINS is a list of origins, not a place to call).
    if (!key.endsWith('_URL') || !/^https?:\/\//.test(value)) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${service}: ${key}=${value} is not a URL`);
      continue;
    }
    if (url.hostname !== opts.host) {
      problems.push(`${service}: ${key}=${value} points at host ${url.hostname}, not ${opts.host}`);
    }
    const target = opts.serviceAtPort(Number(url.port));
    if (target === undefined) {
      problems.push(`${service}: ${key}=${value}: no catalog service listens on port ${url.port}`);
      continue;
    }
    if (key === 'JWKS_URL') continue; // a path on auth, named for what it is
    if (key !== upstreamEnvVar(target)) {
      problems.push(
        `${service}: ${key}=${value} points at ${target}, whose variable is ${upstreamEnvVar(target)}`,
      );
    }
    if (!opts.upstreams.includes(target)) {
      problems.push(
        `${service}: ${key} points at ${target}, which the catalog does not list as its upstream`,
      );
    }
  }
  return problems;
}

// ---------------------------------------------------------------- V005

/** The paths a service must serve for the runtime's probes (liveness and readiness). */
export function probePaths(): { live: string; ready: string } {
  return { live: '/health/live', ready: new URL(readyUrl(LOCAL_HOST, 1)).pathname };
}

// ---------------------------------------------------------------- V006

/** One gateway route: its prefix and the service the catalog sends it to. */
export interface RouteClaim {
  readonly prefix: string;
  readonly service: string;
}

/**
 * V006: every route resolves (through the gateway's own table) to the service that claims
 * it, that service exists, and the service registers a route at or under the prefix (the
 * gateway forwards the path unchanged, so the service must serve the same path).
 */
export function gatewayRouteProblems(
  routes: readonly RouteClaim[],
  known: readonly string[],
  resolve: (path: string) => string | undefined,
  servedPaths: (service: string) => readonly string[] | undefined,
): string[] {
  const problems: string[] = [];
  for (const r of routes) {
    if (!known.includes(r.service)) {
      problems.push(`${r.prefix} routes to ${r.service}, which is not a catalog service`);
      continue;
    }
    const resolved = resolve(r.prefix);
    if (resolved !== r.service) {
      problems.push(
        `${r.prefix} resolves to ${resolved ?? 'nothing'} at the gateway, not ${r.service}`,
      );
    }
    const served = servedPaths(r.service);
    if (served === undefined) {
      problems.push(`${r.prefix}: no route sources found for ${r.service}`);
      continue;
    }
    if (!served.some((p) => p === r.prefix || p.startsWith(`${r.prefix}/`))) {
      problems.push(`${r.prefix} routes to ${r.service}, which registers no route under it`);
    }
  }
  return problems;
}

/** Code without comments (a path in a comment documents a route, it does not register one). */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Path literals in a service's route sources: quoted strings that start with `/`. */
export function pathLiterals(source: string): string[] {
  const out: string[] = [];
  for (const m of stripComments(source).matchAll(/(['"`])(\/[A-Za-z0-9_.\-/:*]*)\1/g)) {
    out.push(m[2]!);
  }
  return out;
}

/** The path literals of `services/<name>/app.ts` and `routes/**` (tests excluded). */
export async function servicePathLiterals(service: ServiceName): Promise<string[] | undefined> {
  const dir = path.join(packageRoot(), 'services', service);
  const files: string[] = [path.join(dir, 'app.ts')];
  const routes = await readdir(path.join(dir, 'routes'), { recursive: true }).catch(() => []);
  for (const f of routes) {
    if (f.endsWith('.ts') && !f.endsWith('.test.ts')) files.push(path.join(dir, 'routes', f));
  }
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => undefined)));
  if (texts.every((t) => t === undefined)) return undefined;
  return texts.flatMap((t) => (t === undefined ? [] : pathLiterals(t)));
}

// ---------------------------------------------------------------- V007

/**
 * V007: the gateway's caller holds a breaker for every upstream it routes to, and no breaker
 * names a service outside the catalog.
 */
export function breakerProblems(
  routed: readonly string[],
  breakers: readonly [string, number][],
  known: readonly string[],
): string[] {
  const problems: string[] = [];
  const names = breakers.map(([n]) => n);
  for (const r of routed) {
    if (!names.includes(r))
      problems.push(`the gateway routes to ${r} but has no circuit breaker for it`);
  }
  for (const [n, v] of breakers) {
    if (!known.includes(n))
      problems.push(`a circuit breaker names ${n}, which is not a catalog service`);
    if (v !== 0) problems.push(`the breaker of ${n} starts in state ${v}, not closed (0)`);
  }
  return problems;
}

// ---------------------------------------------------------------- the checks

export const contract: CheckEntry[] = [
  {
    id: 'V001',
    phase: 'S',
    title: 'service graph is sound: no cycles, every dependency known, ports and names unique',
    async run(ctx) {
      expectNoProblems(serviceGraphProblems(services), 'service graph');
      ctx.note(
        `${services.length} services, ${services.reduce((n, s) => n + upstreamsOf(s).length, 0)} edges`,
      );
    },
  },
  {
    id: 'V002',
    phase: 'S',
    title:
      "env contract: every variable a service's config schema requires is set by the local runtime, and none is set that no schema reads",
    async run(ctx) {
      const problems: string[] = [];
      const samples = sampleEnvs();
      for (const sample of samples) {
        for (const [name, env] of sample.envs) {
          problems.push(
            ...envContractProblems(name, CONFIG_SCHEMAS[name], env).map(
              (p) => `${p} (${sample.label})`,
            ),
          );
        }
      }
      expectNoProblems(problems, 'env contract');
      ctx.note(
        `${SERVICE_NAMES.length} services × ${samples.length} env variants, built with the runtime's env builder`,
      );
    },
  },
  {
    id: 'V003',
    phase: 'S',
    title:
      'every upstream URL in a service env points at a catalog service it declares (local env, and Services in the manifests)',
    async run(ctx) {
      const problems: string[] = [];
      for (const sample of sampleEnvs()) {
        const atPort = new Map(SERVICE_NAMES.map((n) => [portOf(n, sample.portBase), n]));
        for (const [name, env] of sample.envs) {
          problems.push(
            ...upstreamUrlProblems(name, env, {
              host: LOCAL_HOST,
              serviceAtPort: (p) => atPort.get(p),
              upstreams: upstreamsOf(catalog[name]),
            }),
          );
        }
      }
      const cluster = clusterUrlProblems(await ctx.manifests());
      expectNoProblems([...problems, ...cluster], 'upstream URLs');
      ctx.note(
        "local env samples, and every URL in the manifests' ConfigMaps (Service names and ports)",
      );
    },
  },
  manifestCheck(
    'V004',
    'port triangle: listen port = containerPort = probe port = Service targetPort',
    portTriangleProblems,
  ),
  {
    id: 'V005',
    phase: 'S',
    title: "probe paths the runtime polls are served by the platform kit's health routes",
    async run(ctx) {
      const { live, ready } = probePaths();
      const app = Fastify({ logger: false });
      await app.register(healthPlugin);
      try {
        const problems: string[] = [];
        const l = await app.inject({ method: 'GET', url: live });
        if (l.statusCode !== 200 || l.json<{ status?: string }>().status !== 'ok') {
          problems.push(
            `GET ${live} answered ${l.statusCode} ${l.body}, expected 200 {"status":"ok"}`,
          );
        }
        const r = await app.inject({ method: 'GET', url: ready });
        if (r.statusCode !== 200 || r.json<{ status?: string }>().status !== 'ready') {
          problems.push(
            `GET ${ready} answered ${r.statusCode} ${r.body}, expected 200 {"status":"ready"}`,
          );
        }
        app.health.addCheck('dependency', () => Promise.reject(new Error('down')));
        const down = await app.inject({ method: 'GET', url: ready });
        if (down.statusCode !== 503) {
          problems.push(
            `GET ${ready} with a failing dependency answered ${down.statusCode}, expected 503`,
          );
        }
        // Every service is built by createService, which registers the health plugin.
        const kit = await readFile(
          path.join(packageRoot(), 'services', 'platform', 'create-service.ts'),
          'utf8',
        ).catch(() => undefined);
        if (kit !== undefined && !stripComments(kit).includes('app.register(healthPlugin)')) {
          problems.push('services/platform/create-service.ts does not register healthPlugin');
        }
        for (const name of SERVICE_NAMES) {
          const app = await readFile(
            path.join(packageRoot(), 'services', name, 'app.ts'),
            'utf8',
          ).catch(() => undefined);
          if (app !== undefined && !stripComments(app).includes('createService(')) {
            problems.push(
              `services/${name}/app.ts is not built with createService (no health routes)`,
            );
          }
        }
        expectNoProblems(problems, 'probe paths');
        ctx.note(
          `${live} and ${ready} served by the health plugin; ${SERVICE_NAMES.length} services built with createService`,
        );
      } finally {
        await app.close();
      }
    },
  },
  {
    id: 'V006',
    phase: 'S',
    title:
      'every gateway route resolves to a catalog service, which registers a route under the prefix',
    async run(ctx) {
      const table = buildRouteTable(services);
      const served = new Map<string, string[] | undefined>();
      for (const name of SERVICE_NAMES) served.set(name, await servicePathLiterals(name));
      const claims = services.flatMap((s) =>
        s.routes.map((r) => ({ prefix: r.prefix, service: s.name })),
      );
      expectNoProblems(
        gatewayRouteProblems(
          claims,
          SERVICE_NAMES,
          (p) => table.match(p)?.service,
          (s) => served.get(s),
        ),
        'gateway routes',
      );
      ctx.note(
        `${claims.length} prefixes; served paths read from services/<name>/app.ts and routes/ (comments stripped)`,
      );
    },
  },
  {
    id: 'V007',
    phase: 'S',
    title:
      'every upstream the gateway routes to has a circuit breaker (closed at start), none names an unknown upstream',
    async run(ctx) {
      const table = buildRouteTable(services);
      const routed = [...new Set(table.routes.map((r) => r.service))];
      const caller = createUpstreamCaller({
        resolver: {
          resolve: () => undefined,
          reportFailure: () => undefined,
        } as unknown as Parameters<typeof createUpstreamCaller>[0]['resolver'],
        dispatcher: {} as Parameters<typeof createUpstreamCaller>[0]['dispatcher'],
        services: routed,
      });
      expectNoProblems(breakerProblems(routed, caller.states(), SERVICE_NAMES), 'circuit breakers');
      ctx.note(
        `breakers for ${routed.join(', ')} (default settings: 20-call window, ≥ 50 %, 5 s timeout)`,
      );
    },
  },
  manifestCheck(
    'V008',
    'every ConfigMap, Secret, PVC, ServiceAccount and volume a pod references exists',
    referenceProblems,
  ),
  manifestCheck(
    'V009',
    'selectors match: Service, NetworkPolicy, PDB and HPA select or target real workloads',
    selectorProblems,
  ),
  manifestCheck(
    'V010',
    'every namespaced object is in a declared namespace, none in default',
    namespaceProblems,
  ),
  {
    id: 'V011',
    phase: 'S',
    title: 'every manifest is valid against the Kubernetes and Istio schemas; no unknown fields',
    async run(ctx) {
      const objects = await ctx.manifests();
      if (objects.length === 0)
        expectNoProblems(
          ['no manifests under manifests/: render them with alphintra manifests'],
          'schemas',
        );
      const { problems, checked, fieldChecked } = schemaProblems(
        objects,
        await loadSchemaModels(objects.map((l) => l.object)),
      );
      expectNoProblems(problems, 'schemas');
      ctx.note(
        `${checked} objects valid against their schemas (kubernetes-models 4.5, Istio 2.3, Prometheus Operator 4.4); unknown fields looked for in the ${fieldChecked} of Kubernetes' own kinds (client-node 1.4's models), not in Istio's and the Prometheus Operator's`,
      );
    },
  },
  manifestCheck(
    'V012',
    `images pinned by tag or digest, never latest, all from ${REGISTRY}`,
    imageProblems,
  ),
  {
    id: 'V013',
    phase: 'S',
    title: 'committed manifests equal what the catalog renders',
    async run(ctx) {
      const files = renderManifests({ version: packageVersion() });
      const drift = await manifestDrift(manifestsDir(), files);
      expectNoProblems(
        [
          ...drift.missing.map((f) => `${f} is not committed`),
          ...drift.changed.map((f) => `${f} differs from what the catalog renders`),
          ...drift.extra.map((f) => `${f} is not rendered by the catalog`),
        ].map((p) => `${p} (alphintra manifests)`),
        'manifests',
      );
      ctx.note(`${files.length} files, as \`alphintra manifests\` renders them`);
    },
  },
];
