import type { FastifyBaseLogger } from 'fastify';
import type { WriteTx } from '../../platform/transaction.js';
import type { EventEnvelope } from '../../platform/events/index.js';
import { applyReports, type TradingReport } from '../store/order-apply.js';
import { findByClientOrderId } from '../store/order-queries.js';

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

/**
 * Applies a broker execution report, in the consumer's transaction (the event id is recorded
 * in it too). A report may overtake the broker's synchronous answer: the order is then still
 * PendingNew, and since the broker reports on it, it was accepted; the ack is applied first.
 */
export async function onExecutionReported(
  client: WriteTx,
  event: EventEnvelope,
  log: FastifyBaseLogger,
): Promise<number> {
  const p = event.payload as unknown as ExecutionReportedPayload;
  const row = await findByClientOrderId(client, p.clientOrderId);
  if (!row) {
    // Thrown so that the bus retries (and finally dead-letters): never silently dropped.
    throw new Error(`ExecutionReported ${event.id} for unknown client order ${p.clientOrderId}`);
  }
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
  const outcome = await applyReports(client, row, reports, { actor: 'broker', log });
  return outcome.events;
}
