import type { FastifyInstance } from 'fastify';
import { ORDER_COLUMNS, type OrderRow } from '../store/order-row.js';
import { takeOverClaim } from '../store/order-claim.js';
import { cancelOrder } from './cancel-order.js';
import type { FlowSettings } from './flow-settings.js';
import { processOrder } from './place-order.js';

export interface Reconciler {
  /** One pass; returns how many orders it tried to settle. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Finishes what a dead process or a client that never retried left behind: order requests
 * whose claim went stale without a stored response are resumed (the broker never fills a
 * client order id twice, and risk answers once per order id), and cancels stuck in
 * PendingCancel are sent again. Several instances may run it: claims are compare-and-set.
 */
export function startReconciler(
  app: FastifyInstance,
  settings: FlowSettings,
  intervalMs = 2_000,
): Reconciler {
  const staleMs = settings.idempotency.staleAfterMs;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();

  async function sweep(): Promise<number> {
    const abandoned = await app.pg.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
        WHERE response_status IS NULL AND claimed_at < now() - make_interval(secs => $1)
        ORDER BY claimed_at LIMIT 50`,
      [staleMs / 1000],
    );
    for (const row of abandoned.rows) {
      if (stopped) break;
      if (!(await takeOverClaim(app.pg, row))) continue;
      await processOrder(app, settings, row, undefined).catch((err: unknown) =>
        app.log.warn({ err, orderId: row.id }, 'reconciler could not finish an order yet'),
      );
    }
    const canceling = await app.pg.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
        WHERE status = 'PendingCancel' AND updated_at < now() - make_interval(secs => $1)
        ORDER BY updated_at LIMIT 50`,
      [staleMs / 1000],
    );
    for (const row of canceling.rows) {
      if (stopped) break;
      await cancelOrder(app, settings, row, undefined).catch((err: unknown) =>
        app.log.warn({ err, orderId: row.id }, 'reconciler could not finish a cancel yet'),
      );
    }
    return abandoned.rows.length + canceling.rows.length;
  }

  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? 0 : sweep()))
      .catch((err: unknown) => app.log.warn({ err }, 'reconciler sweep failed'));
  }, intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
