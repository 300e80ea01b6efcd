import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
  type onRequestHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { Static, TObject } from '@sinclair/typebox';
import type { ServiceName } from '../catalog.js';
import { catalog, upstreamEnvVar, upstreamsOf, usesBus } from '../catalog.js';
import type { KitConfig } from './config.js';
import { authPlugin, jwksFromAuth } from './plugins/auth.js';
import type { KeySource, ServiceTokenSource } from './security/index.js';
import { serviceClientPlugin } from './service-client.js';
import { migrationsDir } from './package-root.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { postgresPlugin } from './plugins/postgres.js';
import { problemPlugin } from './plugins/problem.js';
import { redisPlugin } from './plugins/redis.js';
import { requestContextPlugin, requestIdFor } from './plugins/request-context.js';
import { validationPlugin } from './plugins/validation.js';
import { serviceLogDestination } from './log-destination.js';
import { trustGatewayHop } from './client-address.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: KitConfig;
  }
}

/** What a service says about itself at `GET /`: honest about what it does not do yet. */
export interface Capabilities {
  readonly implemented: readonly string[];
  readonly pending: readonly string[];
}

export interface ServiceDefinition<S extends TObject> {
  readonly name: ServiceName;
  readonly schema: S;
  readonly capabilities: Capabilities;
  /** The service's routes and domain wiring, registered after every platform plugin. */
  readonly routes: FastifyPluginAsync<{ config: Readonly<Static<S>> }>;
  /** Applies `services/<name>/migrations` on start (default: when the service uses Postgres). */
  readonly migrations?: boolean;
  /**
   * Where this service gets verification keys and service tokens, when not from auth over HTTP
   * (the default: JWKS at `${AUTH_URL}/.well-known/jwks.json`, tokens from auth's
   * `/internal/service-tokens`). Auth itself uses its own keys and signs its own tokens.
   */
  readonly identity?: (config: Readonly<Static<S>>) => Partial<Identity>;
  /**
   * Clients connect to this service directly (the gateway): request.ip is always the socket
   * peer. Every other service sits behind the gateway and takes the address the gateway
   * appended to X-Forwarded-For (see client-address.ts).
   */
  readonly edge?: boolean;
  /**
   * onRequest hooks for every answer of the service: its routes, the platform's (health,
   * metrics) and its own 404s and 413s, which no route's hooks reach (the gateway's CORS and
   * security headers).
   */
  readonly onEveryRequest?: (config: Readonly<Static<S>>) => readonly onRequestHookHandler[];
}

/** How a service verifies tokens and proves who it is to other services. */
export interface Identity {
  readonly keys: KeySource;
  readonly serviceTokens: ServiceTokenSource;
}

export interface BuildOptions {
  /** Overrides Fastify's logger (tests pass `false`). */
  readonly logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body in bytes. */
  readonly bodyLimit?: number;
  /** Verification keys (tests pass a static key set so no auth service is needed). */
  readonly keys?: KeySource;
  /** Service tokens for outgoing calls (tests). */
  readonly serviceTokens?: ServiceTokenSource;
}

/**
 * Builds a service from its definition and a validated config: logging with request and
 * trace ids, problem+json errors, health, metrics, Postgres with migrations, optional Redis,
 * then the service's own routes. Never listens: `runService` (main.ts) does that.
 */
export async function createService<S extends TObject>(
  def: ServiceDefinition<S>,
  config: Readonly<Static<S>>,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const kit = config as unknown as KitConfig;
  const spec = catalog[def.name];
  const app = Fastify({
    logger: options.logger ?? {
      level: kit.LOG_LEVEL ?? 'info',
      base: { service: def.name, instance: kit.INSTANCE_ID ?? '0' },
      stream: serviceLogDestination(),
    },
    genReqId: requestIdFor,
    // request-context logs one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // Keep-alive sockets are closed when draining so shutdown is not held by idle clients.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    trustProxy: def.edge ? false : trustGatewayHop,
  });
  for (const hook of def.onEveryRequest?.(config) ?? []) app.addHook('onRequest', hook);

  app.register(
    fp(
      async (instance) => {
        instance.decorate('config', kit);
      },
      { name: 'alphintra-config' },
    ),
  );
  app.register(requestContextPlugin);
  app.register(validationPlugin);
  app.register(problemPlugin);
  app.register(healthPlugin);
  app.register(metricsPlugin, { service: def.name, instance: kit.INSTANCE_ID ?? '0' });
  if (spec.postgres) {
    if (!kit.DATABASE_URL) throw new Error(`${def.name} needs DATABASE_URL`);
    app.register(postgresPlugin, {
      connectionString: kit.DATABASE_URL,
      ...((def.migrations ?? true) ? { migrationsDir: migrationsDir(def.name) } : {}),
    });
  }
  if (spec.redis !== 'none') {
    app.register(redisPlugin, { url: kit.REDIS_URL, critical: spec.redis !== 'optional' });
  }
  const own = def.identity?.(config) ?? {};
  const upstreams: Partial<Record<ServiceName, string>> = {};
  for (const n of upstreamsOf(spec)) {
    const url = (kit as Record<string, unknown>)[upstreamEnvVar(n)];
    if (typeof url === 'string') upstreams[n] = url;
  }
  const keys = options.keys ?? own.keys ?? (upstreams.auth && jwksFromAuth(upstreams.auth));
  if (!keys) throw new Error(`${def.name} needs AUTH_URL or its own key source`);
  app.register(authPlugin, {
    keys,
    issuer: kit.JWT_ISSUER,
    audience: kit.JWT_AUDIENCE,
    service: def.name,
  });
  const serviceTokens = options.serviceTokens ?? own.serviceTokens;
  app.register(serviceClientPlugin, {
    service: def.name,
    upstreams,
    credential: kit.SERVICE_CREDENTIAL,
    socketDir: kit.SOCKET_DIR,
    ...(serviceTokens && { tokens: serviceTokens }),
  });

  app.get('/', async () => ({
    service: def.name,
    summary: spec.summary,
    instance: kit.INSTANCE_ID ?? '0',
    profile: kit.ALPHINTRA_PROFILE ?? 'dev',
    ...def.capabilities,
  }));
  app.register(
    async (scope, opts: { config: Readonly<Static<S>> }) => {
      await def.routes(scope, opts);
      // The catalog is what producers fan out to and what the deployment wires: a service
      // that declares events but never starts the pipeline would leave its queues unread.
      if (usesBus(spec) && !scope.hasDecorator('events')) {
        throw new Error(
          `${def.name}: the catalog says it publishes or consumes events, but its routes never register the events plugin`,
        );
      }
    },
    { config },
  );
  return app;
}
