import type { FastifyPluginAsync, FastifyReply, onRequestHookHandler } from 'fastify';
import { Agent, type Dispatcher } from 'undici';
import { services } from '../../catalog.js';
import type { BalancerOptions, Resolver } from '../../platform/discovery/index.js';
import { localSocketConnector, platformErrors, upstreamUrl } from '../../platform/index.js';
import { websocketTunnel } from './websocket-tunnel.js';
import {
  createAccessTokenVerifier,
  createJwksKeySet,
  httpJwksFetcher,
  type KeySource,
} from '../../platform/security/index.js';
import type { Config } from '../config.js';
import { CallSignal } from '../domain/call-signal.js';
import { createMemoryRateLimitStore } from '../domain/memory-rate-limit-store.js';
import { createRateLimiter } from '../domain/rate-limiter.js';
import { createRedisRateLimitStore } from '../domain/redis-rate-limit-store.js';
import { buildRouteTable } from '../domain/route-table.js';
import { authenticateHook } from './authenticate.js';
import { parseCorsOrigins } from './cors-origins.js';
import { corsHook } from './cors.js';
import './edge-context.js';
import { isEdgeError, sendEdgeProblem } from './edge-problem.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.js';
import { createGatewayMetrics } from './gateway-metrics.js';
import { rateLimitHook } from './rate-limit-hook.js';
import { securityHeadersHook } from './security-headers.js';
import {
  createUpstreamCaller,
  type BreakerSettings,
  type RetrySettings,
} from './upstream-caller.js';
import { resolverFromConfig } from './upstream-resolver.js';

/** What tests (and a bench profile) may substitute or tune; everything defaults from config. */
export interface GatewayDeps {
  readonly resolver?: Resolver;
  /** Verification keys (default: the JWKS at `${AUTH_URL}/.well-known/jwks.json`, cached). */
  readonly keys?: KeySource;
  readonly breaker?: BreakerSettings;
  readonly retry?: RetrySettings;
  readonly balancer?: BalancerOptions;
  /** Redis key prefix of the rate-limit counters (tests use a random one). */
  readonly rateLimitPrefix?: string;
  readonly dispatcher?: Dispatcher;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const EXPOSED = [
  'x-request-id',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
];

/** Fires when the client goes away before its response is complete. */
function clientGone(reply: FastifyReply): CallSignal {
  const signal = new CallSignal();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) signal.abort();
  });
  return signal;
}

/**
 * CORS and the API security headers (OWASP's set for APIs), for every answer the gateway
 * gives: routed ones, its own 404s, 413s and problems, health and metrics.
 */
export function edgeHeaderHooks(config: Config): onRequestHookHandler[] {
  const origins = parseCorsOrigins(config.CORS_ORIGINS);
  return [
    corsHook({ origins, methods: METHODS, exposedHeaders: EXPOSED, maxAgeSec: 600 }),
    securityHeadersHook,
  ];
}

/**
 * The edge: for each catalog route prefix, match → verify the token (unless public) → rate
 * limit → forward through discovery, the upstream's circuit breaker and the retry policy, and
 * send the answer back (small ones buffered, others streamed).
 */
export function gatewayRoutes(deps: GatewayDeps = {}): FastifyPluginAsync<{ config: Config }> {
  return async (app, { config }) => {
    const table = buildRouteTable(services);
    const routed = [...new Set(table.routes.map((r) => r.service))];

    const choice = deps.resolver
      ? { resolver: deps.resolver, kind: 'injected', close: async () => undefined }
      : await resolverFromConfig(config, routed, {
          ...deps.balancer,
          onError: (err) => app.log.warn({ err }, 'discovery view could not be refreshed'),
        });
    app.addHook('onClose', () => choice.close());
    app.log.info({ resolver: choice.kind, upstreams: routed }, 'gateway upstreams');

    const dispatcher =
      deps.dispatcher ??
      new Agent({ keepAliveTimeout: 10_000, connect: localSocketConnector(config.SOCKET_DIR) });
    if (!deps.dispatcher) app.addHook('onClose', () => dispatcher.close());

    // The gauge reads breaker states at scrape time, after `upstreams` exists.
    const metrics = createGatewayMetrics(app.metrics, () => upstreams.states());
    const upstreams = createUpstreamCaller({
      resolver: choice.resolver,
      dispatcher,
      services: routed,
      ...(deps.breaker && { breaker: deps.breaker }),
      ...(deps.retry && { retry: deps.retry }),
      onStateChange: (service, to, from) =>
        app.log.warn({ upstream: service, from, to }, 'circuit breaker state changed'),
      onAttempt: metrics.upstreamAttempt,
      onRetry: metrics.retry,
    });

    const keys =
      deps.keys ??
      createJwksKeySet({
        fetchJwks: httpJwksFetcher(`${upstreamUrl(config, 'auth')}/.well-known/jwks.json`),
      });
    if (!deps.keys && 'refresh' in keys) {
      // Warm the cache so the first user request does not pay for the fetch; failure is retried
      // lazily (and answered 503 ALP_AUTH_KEYS_UNAVAILABLE meanwhile, never let through).
      app.addHook('onReady', async () => {
        void (keys as { refresh(): Promise<void> })
          .refresh()
          .catch((err: unknown) => app.log.warn({ err }, 'JWKS not loaded yet'));
      });
    }
    const verifier = createAccessTokenVerifier({
      keys,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });

    let lastStoreWarning = 0;
    const limiter = createRateLimiter({
      store: app.redis
        ? createRedisRateLimitStore(app.redis, {
            ...(deps.rateLimitPrefix !== undefined && { prefix: deps.rateLimitPrefix }),
          })
        : createMemoryRateLimitStore(),
      limit: config.RATE_LIMIT_MAX ?? 100,
      windowMs: config.RATE_LIMIT_WINDOW_MS ?? 60_000,
      onStoreError: (err) => {
        metrics.rateLimitStoreFallback();
        if (Date.now() - lastStoreWarning > 10_000) {
          lastStoreWarning = Date.now();
          app.log.warn({ err }, 'rate-limit store failed; limiting per instance meanwhile');
        }
      },
    });

    websocketTunnel(app, {
      table,
      resolver: choice.resolver,
      limiter,
      origins: parseCorsOrigins(config.CORS_ORIGINS),
      verify: (token) => verifier.verify(token),
      socketDir: config.SOCKET_DIR,
    });

    // Bodies are forwarded as bytes, whatever their type; buffered so a retry can resend them.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.decorateRequest('edge', null);
    app.addHook('onRequest', (request, reply, done) => {
      const match = table.match(request.url);
      if (!match) {
        const path = request.url.split('?')[0]!;
        const { code, message } = new platformErrors.ALP_REQUEST_NOT_FOUND(request.method, path);
        sendEdgeProblem(request, reply, { code, statusCode: 404, message });
        return;
      }
      request.edge = { service: match.service, public: match.public, subject: undefined };
      done();
    });
    app.addHook('onRequest', authenticateHook(verifier));
    app.addHook('onRequest', rateLimitHook(limiter, metrics.rateLimited));

    for (const { prefix } of table.routes) {
      for (const url of [prefix, `${prefix}/*`]) {
        app.route({
          method: METHODS,
          url,
          exposeHeadRoute: false,
          async handler(request, reply) {
            const edge = request.edge!;
            const signal = clientGone(reply);
            try {
              const res = await upstreams.forward(
                edge.service,
                {
                  method: request.method,
                  path: request.url,
                  headers: upstreamRequestHeaders(request),
                  body: Buffer.isBuffer(request.body) ? request.body : undefined,
                },
                signal,
              );
              reply.code(res.statusCode).headers(clientResponseHeaders(res.headers));
              return reply.send(res.body ?? res.stream);
            } catch (err) {
              if (signal.aborted) return reply; // nobody is listening any more
              if (!isEdgeError(err)) throw err;
              request.log.warn(
                {
                  upstream: edge.service,
                  code: err.code,
                  cause: (err as { cause?: unknown }).cause,
                },
                'upstream call failed',
              );
              return sendEdgeProblem(request, reply, err);
            }
          },
        });
      }
    }
  };
}
