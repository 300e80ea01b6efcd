import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'gateway',
  schema: configSchema,
  capabilities: {
    implemented: ['platform kit: health, metrics, problem+json errors'],
    pending: [
      'route /api/v1/<area>/** to services through discovery',
      'RS256 JWT verification at the edge',
      'rate limiting',
      'circuit breakers per upstream',
    ],
  },
  routes: async () => {},
};

/** Builds the gateway service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
