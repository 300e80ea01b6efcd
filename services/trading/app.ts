import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { tradingRoutes } from './routes/index.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'trading',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'POST /api/v1/orders: market and limit orders with idempotency keys, pre-trade risk (fail closed), routing to the broker',
      'GET /api/v1/orders, GET /api/v1/orders/:id, POST /api/v1/orders/:id/cancel, GET /api/v1/orders/:id/audit',
      'GET /api/v1/positions: positions from fills',
      'POST /internal/orders: orders for a user placed by strategy (service token from strategy only), through the same path as POST /api/v1/orders; GET /internal/orders/:id?userId= reads one back',
      'order state machine, hash-chained audit trail, transactional outbox and ExecutionReported consumer',
    ],
    pending: ['reconciliation of orders abandoned by clients that never retry'],
  },
  routes: tradingRoutes(),
};

/** Builds the trading service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
