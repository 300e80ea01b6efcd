import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { eventsPlugin } from '../platform/events/index.js';
import { clockSweeper } from './clock-sweeper.js';
import { configSchema, type Config } from './config.js';
import { DEFAULT_INSTRUMENTS } from './domain/instruments.js';
import { createMarket } from './domain/market-simulator.js';
import { marketSettings } from './market-settings.js';
import { accountRoutes } from './routes/accounts.js';
import { clockRoute } from './routes/clock.js';
import { internalOrderRoutes } from './routes/internal-orders.js';
import { marketRoutes } from './routes/market.js';
import type { BrokerContext } from './store/broker-context.js';
import { PostgresPaperBroker } from './store/postgres-paper-broker.js';
import { stepSourceFor } from './store/step-source.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'broker',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'GET /api/v1/market/instruments, /quotes?symbols=, /candles/:symbol?interval=&limit= from a seeded deterministic simulator (MARKET_SEED, MARKET_START, MARKET_STEP_MS)',
      'POST /api/v1/market/clock/advance in the test profile only (the clock step is shared in Postgres); other profiles derive the step from wall time and match resting orders on a timer',
      'paper accounts: GET /api/v1/accounts/me, POST /api/v1/accounts/me/deposits (decimal strings, Idempotency-Key), double-entry ledger (each posting statement must balance per journal and asset; running user balances), GET /api/v1/accounts/reconciliation (admin)',
      'POST /internal/broker/orders, POST /internal/broker/orders/:clientOrderId/cancel, GET /internal/broker/orders/:clientOrderId (service token, caller trading): market and limit orders, partial fills by displayed size, fees (FEE_RATE), buying power, a repeated client order id never fills twice',
      'resting fills written to the outbox as ExecutionReported in the fill transaction and relayed to the bus',
    ],
    pending: [
      'a configured instrument list (the default list is built in)',
      'a real broker connector (the routes call the BrokerAdapter interface; the Postgres paper broker is its only service implementation)',
    ],
  },
  routes: async (app, { config }) => {
    const settings = marketSettings(config);
    const ctx = brokerContext(config);
    // Publishes only (ExecutionReported): the relay drains the outbox to the bus.
    await app.register(eventsPlugin, { handlers: {} });
    await app.register(marketRoutes, { ctx });
    await app.register(accountRoutes, { ctx });
    await app.register(internalOrderRoutes, {
      broker: new PostgresPaperBroker(app.pg, ctx, () => app.events.nudge()),
    });
    // The production profile refuses to step the clock: the route only exists under test.
    if (settings.manualClock) await app.register(clockRoute, { ctx });
    else await app.register(clockSweeper, { ctx });
  },
};

/** The market, instruments, clock and fees every broker route works with. */
export function brokerContext(config: Config): BrokerContext {
  const settings = marketSettings(config);
  return {
    market: createMarket(settings.seed, DEFAULT_INSTRUMENTS),
    instruments: DEFAULT_INSTRUMENTS,
    clock: stepSourceFor(settings),
    feeRateCentiBps: settings.feeRateCentiBps,
    cashCurrency: 'USD',
  };
}

/** Builds the broker service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
