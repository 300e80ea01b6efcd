import type { FastifyInstance } from 'fastify';
import type { CallContext } from '../../platform/index.js';
import { isTerminal } from '../domain/order-transitions.js';
import { tradingErrors } from '../errors.js';
import { applyReports, type TradingReport } from '../store/order-apply.js';
import { orderView, type OrderRow, type OrderView } from '../store/order-row.js';
import { inTransaction } from '../../platform/transaction.js';
import { brokerReports } from '../upstreams/broker-reports.js';
import { cancelAtBroker } from '../upstreams/broker-calls.js';
import type { FlowSettings } from './flow-settings.js';

async function apply(
  app: FastifyInstance,
  row: OrderRow,
  reports: readonly TradingReport[],
  actor: string,
): Promise<OrderRow> {
  const outcome = await inTransaction(app.pg, (client) =>
    applyReports(client, row, reports, { actor, log: app.log }),
  );
  if (outcome.events > 0) app.events.nudge();
  return outcome.row;
}

/**
 * POST /api/v1/orders/:id/cancel: PendingCancel is recorded first (with its audit entry),
 * then the broker is asked; its answer ends the order Canceled, Filled (the fill won the
 * race) or back where it was. If the broker cannot be reached the order stays
 * PendingCancel and the cancel may be sent again.
 */
export async function cancelOrder(
  app: FastifyInstance,
  settings: FlowSettings,
  row: OrderRow,
  context: CallContext | undefined,
): Promise<OrderView> {
  if (isTerminal(row.status) || row.status === 'PendingNew') {
    throw new tradingErrors.ALP_ORDERS_NOT_CANCELABLE(row.status);
  }
  let current = row;
  if (current.status !== 'PendingCancel') {
    current = await apply(app, current, [{ kind: 'cancel-requested' }], row.user_id);
    // A fill that completed the order while we waited for the lock wins.
    if (isTerminal(current.status))
      throw new tradingErrors.ALP_ORDERS_NOT_CANCELABLE(current.status);
  }
  const outcome = await cancelAtBroker(app, current, context, settings.brokerTimeoutMs);
  switch (outcome.kind) {
    case 'answer':
      current = await apply(app, current, brokerReports(outcome.answer, true), 'broker');
      return orderView(current);
    case 'refused':
      current = await apply(
        app,
        current,
        [{ kind: 'cancel-rejected', reason: outcome.code }],
        'broker',
      );
      return orderView(current);
    case 'unknown':
      app.log.warn({ err: outcome.error, orderId: row.id }, 'cancel outcome unknown');
      throw Object.assign(new tradingErrors.ALP_ORDERS_BROKER_UNAVAILABLE(), {
        headers: { 'retry-after': '1' },
      });
  }
}
