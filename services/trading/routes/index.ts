import type { FastifyPluginAsync } from 'fastify';
import { eventsPlugin, type EventEnvelope } from '../../platform/events/index.js';
import type { WriteTx } from '../../platform/transaction.js';
import { onExecutionReports } from '../orders/execution-reported.js';
import { startReconciler, type Reconciler } from '../orders/reconciler.js';
import { DEFAULT_FLOW_SETTINGS, type FlowSettings } from '../orders/flow-settings.js';
import { cancelOrderRoute } from './cancel-order.js';
import { internalOrdersRoute } from './internal-orders.js';
import { placeOrderRoute } from './place-order.js';
import { positionsRoute } from './positions.js';
import { readOrdersRoutes } from './read-orders.js';

/**
 * Everything trading serves, plus its event pipeline (outbox relay, ExecutionReported) and the
 * reconciler that settles orders and cancels left unfinished by a crash.
 */
export function tradingRoutes(settings: FlowSettings = DEFAULT_FLOW_SETTINGS): FastifyPluginAsync {
  return async (app) => {
    await app.register(eventsPlugin, {
      handlers: {
        ExecutionReported: {
          apply: async (tx: WriteTx, event: EventEnvelope) => {
            await onExecutionReports(tx, [event], app.log);
          },
          applyAll: async (tx: WriteTx, events: readonly EventEnvelope[]) => {
            await onExecutionReports(tx, events, app.log);
          },
        },
      },
    });
    let reconciler: Reconciler | undefined;
    app.addHook('onReady', async () => {
      reconciler = startReconciler(app, settings);
    });
    app.addHook('onClose', async () => {
      await reconciler?.stop();
    });
    await app.register(placeOrderRoute, { settings });
    await app.register(cancelOrderRoute, { settings });
    await app.register(internalOrdersRoute, { settings });
    await app.register(readOrdersRoutes);
    await app.register(positionsRoute);
  };
}
