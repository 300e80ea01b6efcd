import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { enqueueAll, type OutboxMessage } from '../../platform/events/index.js';
import type { AuditRecord } from '../domain/audit-chain.js';
import { orderAuditEntry, orderEvents } from '../domain/order-events.js';
import { applyExecutionReport } from '../domain/order-reducer.js';
import type { ExecutionReport } from '../domain/order-types.js';
import { appendAuditEntry } from './audit-store.js';
import { ORDER_COLUMNS, orderRef, orderState, orderView, type OrderRow } from './order-row.js';
import { applyFillToStoredPosition } from './position-store.js';

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

/**
 * Applies execution reports to one order inside the caller's transaction, with the order row
 * locked: the reducer decides, and executions, the position, the audit chain, the outbox and
 * the order row all change together. Repeats are no-ops (known exec ids, second acks);
 * reports the state machine refuses are logged and skipped, never half-applied.
 */
export async function applyReports(
  client: pg.ClientBase,
  orderId: string,
  reports: readonly TradingReport[],
  ctx: ApplyContext,
): Promise<ApplyOutcome> {
  const locked = await client.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`,
    [orderId],
  );
  const row = locked.rows[0];
  if (!row) throw new Error(`order ${orderId} does not exist`);
  const execs = await client.query<{ exec_id: string }>(
    'SELECT exec_id FROM executions WHERE order_id = $1 ORDER BY executed_at, exec_id',
    [orderId],
  );
  let state = orderState(
    row,
    execs.rows.map((r) => r.exec_id),
  );
  const ref = orderRef(row);
  const events: OutboxMessage[] = [];
  let changed = false;
  // The chain's head once this transaction has appended to it (the row lock keeps it ours).
  let auditHead: AuditRecord | undefined;
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
    const at = new Date().toISOString();
    if (report.kind === 'fill') {
      await client.query(
        `INSERT INTO executions (exec_id, order_id, quantity, price, fee) VALUES ($1, $2, $3, $4, $5)`,
        [report.execId, orderId, report.quantity, report.price, report.fee ?? '0'],
      );
      await applyFillToStoredPosition(client, row.user_id, {
        symbol: row.symbol,
        side: row.side,
        quantity: report.quantity,
        price: report.price,
      });
    }
    const from = result.transition?.from ?? state.status;
    const to = result.state.status;
    if (result.transition || report.kind === 'fill') {
      auditHead = await appendAuditEntry(
        client,
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
  let updated = row;
  if (changed) {
    const res = await client.query<OrderRow>(
      `UPDATE orders SET status = $2, cum_qty = $3, leaves_qty = $4, cum_notional = $5,
              avg_px = $6, reason = $7, updated_at = now()
        WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
      [
        orderId,
        state.status,
        state.cumQty,
        state.leavesQty,
        state.cumNotional,
        state.avgPx,
        state.reason,
      ],
    );
    updated = res.rows[0]!;
    await enqueueAll(client, events);
  }
  if (ctx.storeResponse && updated.response_status === null) {
    const body = orderView(updated);
    const res = await client.query<OrderRow>(
      `UPDATE orders SET response_status = 201, response_body = $2 WHERE id = $1
        RETURNING ${ORDER_COLUMNS}`,
      [orderId, JSON.stringify(body)],
    );
    updated = res.rows[0]!;
  }
  return { row: updated, events: events.length };
}
