/**
 * The service graph: the single source of truth for every service of the platform.
 *
 * The local runtime's environment, the gateway route table, the Kubernetes manifests, the
 * validation checks, the E2E base URLs and the bench targets are all derived from this
 * file. It holds data only (no I/O) so that anything may import it.
 */

export const SERVICE_NAMES = [
  'gateway',
  'graphql-gateway',
  'auth',
  'user',
  'trading',
  'risk',
  'broker',
  'strategy',
  'no-code',
  'notification',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Platform events (at-least-once delivery, effectively-once effects; see services/platform/events). */
export const EVENT_TOPICS = [
  'UserRegistered',
  'OrderAccepted',
  'OrderFilled',
  'OrderCanceled',
  'OrderRejected',
  'OrderExpired',
  'ExecutionReported',
  'RiskLimitBreached',
] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

/** How a service uses Redis: `optional` means it falls back to in-process stores. */
export type RedisUse = 'none' | 'optional';

export interface GatewayRoute {
  /** Public path prefix at the gateway, e.g. `/api/v1/orders`. */
  readonly prefix: string;
  /**
   * Paths under the prefix (exact, method-agnostic) that need no token at the edge.
   * Everything else under the prefix requires a valid access token.
   */
  readonly public?: readonly string[];
  /** The service accepts WebSocket upgrades under the prefix (the gateway tunnels them). */
  readonly websocket?: boolean;
}

export interface ResourceSpec {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

export interface ServiceSpec {
  readonly name: ServiceName;
  readonly summary: string;
  /** Default listen port on the local target (shifted by `--port-base`); containerPort on Kubernetes. */
  readonly port: number;
  /** Services this one calls synchronously; they must be ready before it starts. */
  readonly dependsOn: readonly ServiceName[];
  /**
   * Services this one calls at request time only (no start-order gate), e.g. auth creating
   * the user's profile. Network edges are `dependsOn` plus `calls`.
   */
  readonly calls?: readonly ServiceName[];
  /** Event topics this service writes to its outbox and relays to the bus. */
  readonly publishes?: readonly EventTopic[];
  /**
   * Event topics this service consumes from the bus (each effect applied once). Producers
   * queue every event for each consumer named here, so a service lists only what it really
   * consumes; `createService` refuses to start a service whose wiring disagrees.
   */
  readonly consumes?: readonly EventTopic[];
  readonly postgres: boolean;
  readonly redis: RedisUse;
  /** Service-specific environment variables its config schema reads (beyond the common ones). */
  readonly env: readonly string[];
  /** Routes the gateway forwards to this service (path is kept as is: the service serves it). */
  readonly routes: readonly GatewayRoute[];
  /** Latency objective at p99, in milliseconds, for the bench and the SLO dashboards. */
  readonly sloP99Ms: number;
  /** Critical services run at least two replicas with a PodDisruptionBudget on Kubernetes. */
  readonly critical: boolean;
  readonly replicas: number;
  readonly resources: ResourceSpec;
}

/** Environment variables every service reads (see services/platform/config.ts). */
export const COMMON_ENV = [
  'ALPHINTRA_PROFILE',
  'SERVICE_NAME',
  'INSTANCE_ID',
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'SERVICE_CREDENTIAL',
  'DISCOVERY_DATABASE_URL',
  'SOCKET_DIR',
] as const;

/** Variables present only for services that use PostgreSQL, Redis or the event bus. */
export const POSTGRES_ENV = ['DATABASE_URL'] as const;
export const REDIS_ENV = ['REDIS_URL'] as const;
export const BUS_ENV = ['BUS_DATABASE_URL'] as const;

/** Whether a service talks to the event bus (and so reads BUS_DATABASE_URL). */
export function usesBus(spec: ServiceSpec): boolean {
  return (spec.publishes?.length ?? 0) + (spec.consumes?.length ?? 0) > 0;
}

const small: ResourceSpec = {
  cpuRequest: '100m',
  cpuLimit: '500m',
  memoryRequest: '128Mi',
  memoryLimit: '256Mi',
};
const medium: ResourceSpec = {
  cpuRequest: '250m',
  cpuLimit: '1',
  memoryRequest: '192Mi',
  memoryLimit: '384Mi',
};

/** Every service, keyed by name; the type forces exactly one entry per name. */
export const catalog: { readonly [N in ServiceName]: ServiceSpec & { readonly name: N } } = {
  gateway: {
    name: 'gateway',
    summary: 'API edge: routing, JWT verification, rate limiting, circuit breakers',
    port: 4000,
    dependsOn: ['auth'],
    postgres: false,
    redis: 'optional',
    env: ['RATE_LIMIT_MAX', 'RATE_LIMIT_WINDOW_MS', 'CORS_ORIGINS'],
    routes: [],
    sloP99Ms: 100,
    critical: true,
    replicas: 2,
    resources: medium,
  },
  'graphql-gateway': {
    name: 'graphql-gateway',
    summary: 'One GraphQL graph over the services, with subscriptions',
    port: 4001,
    dependsOn: ['auth', 'user', 'trading', 'broker'],
    postgres: false,
    redis: 'none',
    env: [],
    routes: [{ prefix: '/graphql', websocket: true }],
    sloP99Ms: 200,
    critical: false,
    replicas: 1,
    resources: medium,
  },
  auth: {
    name: 'auth',
    summary: 'Identities and tokens: register, login, refresh, logout, JWKS',
    port: 4010,
    dependsOn: [],
    calls: ['user'],
    publishes: ['UserRegistered'],
    postgres: true,
    redis: 'none',
    env: ['JWT_PRIVATE_KEY_FILE', 'JWT_PREVIOUS_PUBLIC_KEY_FILES', 'SERVICE_CREDENTIAL_MASTER'],
    routes: [
      {
        prefix: '/api/v1/auth',
        public: [
          '/api/v1/auth/register',
          '/api/v1/auth/login',
          '/api/v1/auth/refresh',
          '/api/v1/auth/logout',
        ],
      },
      { prefix: '/.well-known/jwks.json', public: ['/.well-known/jwks.json'] },
    ],
    sloP99Ms: 100,
    critical: true,
    replicas: 2,
    resources: medium,
  },
  user: {
    name: 'user',
    summary: 'Profiles, roles and KYC status',
    port: 4011,
    dependsOn: ['auth'],
    consumes: ['UserRegistered'],
    postgres: true,
    redis: 'none',
    env: [],
    routes: [{ prefix: '/api/v1/users' }],
    sloP99Ms: 100,
    critical: false,
    replicas: 1,
    resources: small,
  },
  trading: {
    name: 'trading',
    summary: 'Orders and positions: idempotency, order state machine, routing to the broker',
    port: 4020,
    dependsOn: ['auth', 'risk', 'broker'],
    publishes: ['OrderAccepted', 'OrderFilled', 'OrderCanceled', 'OrderRejected', 'OrderExpired'],
    consumes: ['ExecutionReported'],
    postgres: true,
    redis: 'none',
    env: [],
    routes: [{ prefix: '/api/v1/orders' }, { prefix: '/api/v1/positions' }],
    sloP99Ms: 150,
    critical: true,
    replicas: 2,
    resources: medium,
  },
  risk: {
    name: 'risk',
    summary: 'Pre-trade risk checks, limits, exposure and the kill switch',
    port: 4021,
    dependsOn: ['auth'],
    publishes: ['RiskLimitBreached'],
    consumes: ['OrderFilled', 'OrderCanceled', 'OrderRejected', 'OrderExpired'],
    postgres: true,
    redis: 'none',
    env: [
      'RISK_DEFAULT_MAX_NOTIONAL',
      'RISK_DEFAULT_MAX_POSITION',
      'RISK_DEFAULT_DAILY_LOSS',
      'RISK_DEFAULT_ORDER_RATE',
    ],
    routes: [{ prefix: '/api/v1/risk' }],
    sloP99Ms: 50,
    critical: true,
    replicas: 2,
    resources: small,
  },
  broker: {
    name: 'broker',
    summary: 'Paper broker and deterministic simulated market data',
    port: 4022,
    dependsOn: ['auth'],
    publishes: ['ExecutionReported'],
    postgres: true,
    redis: 'none',
    env: ['MARKET_SEED', 'MARKET_START', 'MARKET_STEP_MS', 'FEE_RATE'],
    routes: [{ prefix: '/api/v1/market' }, { prefix: '/api/v1/accounts' }],
    sloP99Ms: 50,
    critical: true,
    replicas: 2,
    resources: small,
  },
  strategy: {
    name: 'strategy',
    summary: 'Strategy definitions, backtests and live signals',
    port: 4030,
    dependsOn: ['auth', 'trading', 'broker'],
    postgres: true,
    redis: 'none',
    env: [],
    routes: [{ prefix: '/api/v1/strategies' }],
    sloP99Ms: 200,
    critical: false,
    replicas: 1,
    resources: small,
  },
  'no-code': {
    name: 'no-code',
    summary: 'Visual workflows compiled into strategies',
    port: 4031,
    dependsOn: ['auth', 'strategy'],
    postgres: true,
    redis: 'none',
    env: [],
    routes: [{ prefix: '/api/v1/workflows' }],
    sloP99Ms: 200,
    critical: false,
    replicas: 1,
    resources: small,
  },
  notification: {
    name: 'notification',
    summary: 'Per-user inbox, live stream and webhooks from platform events',
    port: 4040,
    dependsOn: ['auth'],
    // The inbox: one entry per order event of these topics (services/notification/events).
    consumes: ['OrderFilled', 'OrderCanceled', 'OrderRejected'],
    postgres: true,
    redis: 'none',
    env: [],
    routes: [{ prefix: '/api/v1/notifications' }],
    sloP99Ms: 100,
    critical: false,
    replicas: 1,
    resources: small,
  },
};

export const services: readonly ServiceSpec[] = SERVICE_NAMES.map((n) => catalog[n]);

const CONSUMERS = new Map<EventTopic, readonly ServiceName[]>(
  EVENT_TOPICS.map((t) => [t, SERVICE_NAMES.filter((n) => catalog[n].consumes?.includes(t))]),
);

/**
 * The services that consume `topic`, in catalog order (none: the event is only recorded).
 * Read for every event the outbox writes and the bus sends, so worked out once.
 */
export function consumersOf(topic: EventTopic): readonly ServiceName[] {
  return CONSUMERS.get(topic) ?? [];
}

export function getService(name: string): ServiceSpec | undefined {
  return (SERVICE_NAMES as readonly string[]).includes(name)
    ? catalog[name as ServiceName]
    : undefined;
}

/** The database and role a service owns: `alphintra_trading` owned by role `trading`. */
export function databaseOf(name: ServiceName): { database: string; role: string } {
  const id = name.replace(/-/g, '_');
  return { database: `alphintra_${id}`, role: id };
}

/** Every service this one talks to: start-order dependencies and request-time calls. */
export function upstreamsOf(spec: ServiceSpec): ServiceName[] {
  return [...new Set([...spec.dependsOn, ...(spec.calls ?? [])])];
}

/** Environment variable that carries the base URL of an upstream, e.g. `RISK_URL`. */
export function upstreamEnvVar(name: ServiceName): string {
  return `${name.replace(/-/g, '_').toUpperCase()}_URL`;
}

/** The port a service listens on once every port is shifted so that the gateway sits at `base`. */
export function portOf(name: ServiceName, base = catalog.gateway.port): number {
  return catalog[name].port - catalog.gateway.port + base;
}

/**
 * Services in an order where each comes after everything it depends on (Kahn's algorithm).
 * Throws on a cycle or an unknown dependency, naming the services involved.
 */
export function startOrder(list: readonly ServiceSpec[] = services): ServiceSpec[] {
  const byName = new Map(list.map((s) => [s.name, s] as const));
  for (const s of list) {
    for (const d of s.dependsOn) {
      if (!byName.has(d)) throw new Error(`${s.name} depends on unknown service ${d}`);
    }
  }
  const done = new Set<string>();
  const order: ServiceSpec[] = [];
  while (order.length < list.length) {
    const ready = list.filter((s) => !done.has(s.name) && s.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) {
      const stuck = list.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw new Error(`dependency cycle among: ${stuck.join(', ')}`);
    }
    for (const s of ready) {
      done.add(s.name);
      order.push(s);
    }
  }
  return order;
}

/** The services that call `target`: those naming it as an upstream, and the gateway when it routes to it. */
export function callersOf(target: ServiceName): ServiceName[] {
  const callers = services.filter((s) => upstreamsOf(s).includes(target)).map((s) => s.name);
  if (catalog[target].routes.length > 0 && !callers.includes('gateway')) callers.push('gateway');
  return callers;
}
