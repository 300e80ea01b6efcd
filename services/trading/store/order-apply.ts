import type { WriteTx } from '../../platform/transaction.js';
import type { FastifyBaseLogger } from 'fastify';
import { queueAll, type OutboxMessage } from '../../platform/events/index.js';
import { orderAuditEntry, orderEvents } from '../domain/order-events.js';
import { applyExecutionReport } from '../domain/order-reducer.js';
import { applyFillToPosition } from '../domain/positions.js';
import type { ExecutionReport } from '../domain/order-types.js';
import { queueAuditEntry, readAuditHead } from './audit-store.js';
import { ORDER_COLUMNS, orderRef, orderState, orderView, type OrderRow } from './order-row.js';
import { lockPosition, queuePositionWrite } from './position-store.js';

/** An execution report as trading receives it; fills may carry the broker's fee. */
export type TradingReport = ExecutionReport & { readonly fee?: string };

export interface ApplyContext {
  /** Who caused the change (a user id, `broker`, `risk`, `trading`), for the audit trail. */
  readonly actor: string;
  /** Store the resulting order as the idempotent response of its creation request. */
  readonly storeResponse?: boolean;
  readonly log?: FastifyBaseLogger;
}

export interface ApplyOutcome {
  readonly row: OrderRow;
  /** Events written to the outbox (the caller nudges the relay after commit). */
  readonly events: number;
}

/** The immutable parts of an order that locate its rows. */
export type OrderKey = Pick<OrderRow, 'id' | 'user_id' | 'symbol'>;

/**
 * Applies execution reports to one order inside the caller's transaction, with the order row
 * locked: the reducer decides, and executions, the position, the audit chain, the outbox and
 * the order row all change together. Repeats are no-ops (known exec ids, second acks);
 * reports the state machine refuses are logged and skipped, never half-applied.
 *
 * Two round trips whatever the reports: one pipeline locks and reads (order row first, then
 * the position, always in that order), and every write rides with the COMMIT.
 */
export async function applyReports(
  tx: WriteTx,
  order: OrderKey,
  reports: readonly TradingReport[],
  ctx: ApplyContext,
): Promise<ApplyOutcome> {
  const orderId = order.id;
  const fills = reports.some((r) => r.kind === 'fill');
  const [locked, execs, head, position] = await Promise.all([
    tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [orderId]),
    tx.query<{ exec_id: string }>(
      'SELECT exec_id FROM executions WHERE order_id = $1 ORDER BY executed_at, exec_id',
      [orderId],
    ),
    readAuditHead(tx, orderId),
    fills ? lockPosition(tx, order.user_id, order.symbol) : undefined,
  ]);
  const row = locked.rows[0];
  if (!row) throw new Error(`order ${orderId} does not exist`);
  let state = orderState(
    row,
    execs.rows.map((r) => r.exec_id),
  );
  const ref = orderRef(row);
  const events: OutboxMessage[] = [];
  let changed = false;
  let auditHead = head;
  let nextPosition = position;
  const now = new Date();
  const at = now.toISOString();
  for (const report of reports) {
    const result = applyExecutionReport(state, report);
    if (!result.ok) {
      ctx.log?.warn(
        { orderId, report, code: result.code, reason: result.reason },
        'report refused',
      );
      continue;
    }
    if (!result.changed) continue;
    changed = true;
    if (report.kind === 'fill') {
      tx.queue(
        `INSERT INTO executions (exec_id, order_id, quantity, price, fee) VALUES ($1, $2, $3, $4, $5)`,
        [report.execId, orderId, report.quantity, report.price, report.fee ?? '0'],
      );
      nextPosition = applyFillToPosition(nextPosition!, {
        side: row.side,
        quantity: report.quantity,
        price: report.price,
      });
    }
    const from = result.transition?.from ?? state.status;
    const to = result.state.status;
    if (result.transition || report.kind === 'fill') {
      auditHead = queueAuditEntry(
        tx,
        orderId,
        orderAuditEntry(ref, { from, to }, at, {
          ...(report.kind === 'fill' && { execId: report.execId }),
          reason: result.state.reason,
          actor: ctx.actor,
        }),
        auditHead,
      );
    }
    for (const e of orderEvents(ref, report, result, at)) {
      events.push({ topic: e.topic, key: e.key, payload: e.payload });
    }
    state = result.state;
  }
  if (nextPosition !== position) queuePositionWrite(tx, row.user_id, nextPosition!);
  const storeResponse = ctx.storeResponse === true && row.response_status === null;
  if (!changed && !storeResponse) return { row, events: 0 };

  const updated: OrderRow = changed
    ? {
        ...row,
        status: state.status,
        cum_qty: state.cumQty,
        leaves_qty: state.leavesQty,
        cum_notional: state.cumNotional,
        avg_px: state.avgPx,
        reason: state.reason,
        updated_at: now,
      }
    : { ...row };
  if (storeResponse) {
    updated.response_status = 201;
    updated.response_body = orderView(updated);
  }
  tx.queue(
    `UPDATE orders SET status = $2, cum_qty = $3, leaves_qty = $4, cum_notional = $5,
            avg_px = $6, reason = $7, updated_at = $8, response_status = $9, response_body = $10
      WHERE id = $1`,
    [
      orderId,
      updated.status,
      updated.cum_qty,
      updated.leaves_qty,
      updated.cum_notional,
      updated.avg_px,
      updated.reason,
      updated.updated_at,
      updated.response_status,
      updated.response_body === null ? null : JSON.stringify(updated.response_body),
    ],
  );
  queueAll(tx, events);
  return { row: updated, events: events.length };
}
