import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { defaultLimitsFrom } from './default-limits.js';
import { orderEventHandlers } from './events/order-event-handlers.js';
import { eventsPlugin } from '../platform/events/index.js';
import { checkRoute } from './routes/check.js';
import { exposureRoute } from './routes/exposure.js';
import { killSwitchRoute } from './routes/kill-switch.js';
import { limitsRoutes } from './routes/limits.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'risk',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'POST /internal/risk/check (service token, caller trading): kill switch, restricted symbols, order rate, max order notional, max position (open orders included), daily loss; the user limits row is locked FOR UPDATE and the reservation, rate window and decision are stored in the same transaction; idempotent per orderId',
      'GET /api/v1/risk/limits (own), PUT /api/v1/risk/limits/:userId (risk-officer or admin); defaults from RISK_DEFAULT_* config',
      'POST /api/v1/risk/kill-switch (admin, global)',
      'GET /api/v1/risk/exposure (own positions, open quantities, realised P&L today)',
      'consumes OrderFilled (exposure, realised P&L) and OrderCanceled / OrderRejected / OrderExpired (release of reservations) from the bus, once per event id and once per exec id',
      'refusals relayed from the outbox as RiskLimitBreached',
    ],
    pending: [
      'per-user kill switch over HTTP (the table supports it; only the global switch has a route)',
    ],
  },
  routes: async (app, { config }) => {
    const defaults = defaultLimitsFrom(config);
    await app.register(eventsPlugin, { handlers: orderEventHandlers(defaults) });
    await app.register(checkRoute, { defaults });
    await app.register(limitsRoutes, { defaults });
    await app.register(killSwitchRoute);
    await app.register(exposureRoute);
  },
};

/** Builds the risk service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
