import type { FastifyBaseLogger } from 'fastify';
import type { WriteTx } from '../../platform/transaction.js';
import type { EventEnvelope } from '../../platform/events/index.js';
import { applyReportsToOrders, type TradingReport } from '../store/order-apply.js';
import { ORDER_COLUMNS, type OrderRow } from '../store/order-row.js';

/** ExecutionReported as the broker publishes it (later fills of resting orders). */
interface ExecutionReportedPayload {
  readonly clientOrderId: string;
  readonly userId?: string;
  readonly execId?: string;
  readonly quantity?: string;
  readonly price?: string;
  readonly fee?: string;
  readonly status?: string;
}

/** The reports one ExecutionReported event stands for, in the order they apply. */
function reportsOf(p: ExecutionReportedPayload): TradingReport[] {
  const reports: TradingReport[] = [{ kind: 'accepted' }];
  if (p.execId && p.quantity && p.price) {
    reports.push({
      kind: 'fill',
      execId: p.execId,
      quantity: p.quantity,
      price: p.price,
      ...(p.fee !== undefined && { fee: p.fee }),
    });
  }
  const status = p.status?.toLowerCase();
  if (status === 'canceled' || status === 'cancelled') {
    reports.push({ kind: 'canceled', reason: 'canceled by the broker' });
  } else if (status === 'expired') {
    reports.push({ kind: 'expired' });
  }
  return reports;
}

/**
 * Applies broker execution reports in the consumer's transaction (the event ids are recorded
 * in it too), in delivery order, through applyReportsToOrders: every order row locked first,
 * in id order, then the positions, as the order flow's own batches do, so the two never
 * deadlock. A report may overtake the broker's synchronous answer: the order is then still
 * PendingNew, and since the broker reports on it, it was accepted; the ack is applied first.
 */
export async function onExecutionReports(
  tx: WriteTx,
  events: readonly EventEnvelope[],
  log: FastifyBaseLogger,
): Promise<number> {
  const payloads = events.map((e) => e.payload as unknown as ExecutionReportedPayload);
  const { rows } = await tx.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE client_order_id = ANY($1::text[])`,
    [payloads.map((p) => p.clientOrderId)],
  );
  const byClientId = new Map(rows.map((r) => [r.client_order_id, r]));
  const items = payloads.map((p, i) => {
    const row = byClientId.get(p.clientOrderId);
    if (!row) {
      // Thrown so that the bus retries (and finally dead-letters): never silently dropped.
      throw new Error(
        `ExecutionReported ${events[i]!.id} for unknown client order ${p.clientOrderId}`,
      );
    }
    return { order: row, reports: reportsOf(p), ctx: { actor: 'broker', log } };
  });
  const outcomes = await applyReportsToOrders(tx, items);
  return outcomes.reduce((n, o) => n + o.events, 0);
}
