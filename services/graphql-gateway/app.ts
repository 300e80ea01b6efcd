import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { isProduction } from './profile.js';
import { graphqlRoute } from './routes/graphql.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'graphql-gateway',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'POST/GET /graphql (Mercurius): query { platform { services { name summary port dependsOn dependencies } } } from the service catalog',
      'query depth limit (8); introspection off in the prod profile',
    ],
    pending: [
      'fields over the services (users, orders, positions, market data)',
      'subscriptions over WebSocket (order updates, notifications)',
      'complexity and alias limits',
      'auth context forwarded to the services',
    ],
  },
  routes: async (app, { config }) => {
    await app.register(graphqlRoute, { production: isProduction(config) });
  },
};

/** Builds the graphql-gateway service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
