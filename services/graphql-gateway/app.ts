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
      'auth: the access token is verified here and forwarded to user, trading and broker, which scope the data to the caller',
      'query { me } (user), { orders(limit) order(id) positions } (trading), { quotes(symbols) } (broker); decimals as strings',
      'mutation { placeOrder(input, idempotencyKey) cancelOrder(id) } forwarded to trading (Idempotency-Key)',
      'subscription { orderUpdated(id) myOrders } over WebSocket (graphql-transport-ws or graphql-ws), polling trading every 250 ms',
      'alias (10) and field (300) limits per operation',
    ],
    pending: [
      'subscriptions fed by platform events instead of polling',
      'notifications in the graph',
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
