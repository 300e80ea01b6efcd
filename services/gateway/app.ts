import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { edgeHeaderHooks, gatewayRoutes, type GatewayDeps } from './edge/gateway-routes.js';

export type { GatewayDeps } from './edge/gateway-routes.js';

/** The gateway's definition; `deps` substitutes parts (resolver, keys, breaker timings) in tests. */
export function gatewayDefinition(deps: GatewayDeps = {}): ServiceDefinition<typeof configSchema> {
  return {
    name: 'gateway',
    edge: true,
    schema: configSchema,
    capabilities: {
      implemented: [
        'route /api/v1/<area>/** (catalog routes) to services through discovery or static URLs',
        'RS256 JWT verification at the edge (JWKS cached, bounded refetch)',
        'rate limiting per user / per IP (Redis or in-process)',
        'circuit breaker per upstream, retries of idempotent requests within a budget',
        'CORS allow-list, security headers, request id and traceparent propagation',
        'WebSocket upgrades (GraphQL subscriptions) tunnelled to the routed service after the origin, token and rate-limit checks',
      ],
      pending: [],
    },
    onEveryRequest: edgeHeaderHooks,
    routes: gatewayRoutes(deps),
  };
}

export const definition = gatewayDefinition();

/** Builds the gateway service without listening (tests use `inject`). */
export function build(
  config: Config,
  options?: BuildOptions,
  deps?: GatewayDeps,
): Promise<FastifyInstance> {
  return createService(gatewayDefinition(deps), config, options);
}
