import type { WriteTx } from '../../platform/transaction.js';
import type { FastifyBaseLogger } from 'fastify';
import { needsRelay, queueAll, type OutboxMessage } from '../../platform/events/index.js';
import type { AuditRecord } from '../domain/audit-chain.js';
import { appendAudit } from '../domain/audit-chain.js';
import { orderAuditEntry, orderEvents } from '../domain/order-events.js';
import { applyExecutionReport } from '../domain/order-reducer.js';
import { applyFillToPosition, type Position } from '../domain/positions.js';
import type { ExecutionReport, OrderState } from '../domain/order-types.js';
import { queueAuditRecords, readAuditHeads } from './audit-store.js';
import { ORDER_COLUMNS, orderRef, orderState, orderView, type OrderRow } from './order-row.js';
import { lockPositions, positionKey, queuePositionWrites } from './position-store.js';

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
  /** Events written that the relay has to publish (the caller nudges it after commit). */
  readonly events: number;
}

/** The immutable parts of an order that locate its rows. */
export type OrderKey = Pick<OrderRow, 'id' | 'user_id' | 'symbol'>;

export interface ApplyItem {
  readonly order: OrderKey;
  readonly reports: readonly TradingReport[];
  readonly ctx: ApplyContext;
}

/** What one order's reports change, gathered for the batch's writes. */
interface Writes {
  readonly executions: {
    execId: string;
    orderId: string;
    quantity: string;
    price: string;
    fee: string;
  }[];
  readonly audit: { chainId: string; record: AuditRecord }[];
  readonly events: OutboxMessage[];
}

/**
 * Applies execution reports to one order inside the caller's transaction (see
 * applyReportsToOrders, of which this is the batch of one).
 */
export async function applyReports(
  tx: WriteTx,
  order: OrderKey,
  reports: readonly TradingReport[],
  ctx: ApplyContext,
): Promise<ApplyOutcome> {
  const [outcome] = await applyReportsToOrders(tx, [{ order, reports, ctx }]);
  return outcome!;
}

/**
 * Applies execution reports to several orders inside the caller's transaction: the reducer
 * decides, and executions, positions, audit chains, the outbox and the order rows all change
 * together. Repeats are no-ops (known exec ids, second acks); reports the state machine
 * refuses are logged and skipped, never half-applied.
 *
 * Two round trips and nine statements whatever the number of orders: one pipeline locks and
 * reads (every order row first, in id order, then the positions the fills touch, in key
 * order), and every write rides with the COMMIT as one statement per table. An order that
 * appears twice, or two orders of one position, apply one after the other in item order.
 */
export async function applyReportsToOrders(
  tx: WriteTx,
  items: readonly ApplyItem[],
): Promise<ApplyOutcome[]> {
  const ids = [...new Set(items.map((i) => i.order.id))];
  const filled = items.filter((i) => i.reports.some((r) => r.kind === 'fill'));
  const [locked, execs, heads, positions] = await Promise.all([
    tx.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    ),
    tx.query<{ order_id: string; exec_id: string }>(
      `SELECT order_id, exec_id FROM executions WHERE order_id = ANY($1::uuid[])
        ORDER BY order_id, executed_at, exec_id`,
      [ids],
    ),
    readAuditHeads(tx, ids),
    lockPositions(
      tx,
      filled.map((i) => ({ userId: i.order.user_id, symbol: i.order.symbol })),
    ),
  ]);
  const rows = new Map(locked.rows.map((r) => [r.id, r]));
  const execIds = new Map<string, string[]>();
  for (const e of execs.rows)
    execIds.set(e.order_id, [...(execIds.get(e.order_id) ?? []), e.exec_id]);
  const states = new Map<string, OrderState>();
  const changedPositions = new Map<string, { userId: string; position: Position }>();
  const updates = new Map<string, OrderRow>();
  const writes: Writes = { executions: [], audit: [], events: [] };
  const now = new Date();

  const outcomes = items.map((item) => {
    const row = rows.get(item.order.id);
    if (!row) throw new Error(`order ${item.order.id} does not exist`);
    const state = states.get(row.id) ?? orderState(row, execIds.get(row.id) ?? []);
    const key = positionKey(row.user_id, row.symbol);
    const applied = applyToOrder(row, state, heads.get(row.id), positions.get(key), item, now);
    if (applied.head) heads.set(row.id, applied.head);
    if (applied.position && applied.position !== positions.get(key)) {
      positions.set(key, applied.position);
      changedPositions.set(key, { userId: row.user_id, position: applied.position });
    }
    states.set(row.id, applied.state);
    writes.executions.push(...applied.writes.executions);
    writes.audit.push(...applied.writes.audit);
    writes.events.push(...applied.writes.events);
    if (applied.row !== row) {
      rows.set(row.id, applied.row);
      updates.set(row.id, applied.row);
    }
    return {
      row: applied.row,
      events: applied.writes.events.filter((e) => needsRelay(e.topic)).length,
    };
  });

  queueExecutions(tx, writes.executions);
  queueAuditRecords(tx, writes.audit);
  queuePositionWrites(tx, [...changedPositions.values()]);
  queueOrderUpdates(tx, [...updates.values()]);
  queueAll(tx, writes.events);
  return outcomes;
}

/** One order's reports, applied in memory: its new state, row, audit head and position. */
function applyToOrder(
  row: OrderRow,
  start: OrderState,
  head: AuditRecord | undefined,
  position: Position | undefined,
  item: ApplyItem,
  now: Date,
): {
  state: OrderState;
  row: OrderRow;
  head: AuditRecord | undefined;
  position: Position | undefined;
  writes: Writes;
} {
  const { reports, ctx } = item;
  const writes: Writes = { executions: [], audit: [], events: [] };
  const ref = orderRef(row);
  const at = now.toISOString();
  let state = start;
  let changed = false;
  let auditHead = head;
  let nextPosition = position;
  for (const report of reports) {
    const result = applyExecutionReport(state, report);
    if (!result.ok) {
      ctx.log?.warn(
        { orderId: row.id, report, code: result.code, reason: result.reason },
        'report refused',
      );
      continue;
    }
    if (!result.changed) continue;
    changed = true;
    if (report.kind === 'fill') {
      writes.executions.push({
        execId: report.execId,
        orderId: row.id,
        quantity: report.quantity,
        price: report.price,
        fee: report.fee ?? '0',
      });
      nextPosition = applyFillToPosition(nextPosition!, {
        side: row.side,
        quantity: report.quantity,
        price: report.price,
      });
    }
    const from = result.transition?.from ?? state.status;
    const to = result.state.status;
    if (result.transition || report.kind === 'fill') {
      auditHead = appendAudit(
        auditHead,
        orderAuditEntry(ref, { from, to }, at, {
          ...(report.kind === 'fill' && { execId: report.execId }),
          reason: result.state.reason,
          actor: ctx.actor,
        }),
      );
      writes.audit.push({ chainId: row.id, record: auditHead });
    }
    for (const e of orderEvents(ref, report, result, at)) {
      writes.events.push({ topic: e.topic, key: e.key, payload: e.payload });
    }
    state = result.state;
  }
  const storeResponse = ctx.storeResponse === true && row.response_status === null;
  if (!changed && !storeResponse) {
    return { state, row, head: auditHead, position: nextPosition, writes };
  }
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
  return { state, row: updated, head: auditHead, position: nextPosition, writes };
}

function queueExecutions(tx: WriteTx, executions: Writes['executions']): void {
  if (executions.length === 0) return;
  tx.queue(
    `INSERT INTO executions (exec_id, order_id, quantity, price, fee)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::numeric[], $4::numeric[], $5::numeric[])`,
    [
      executions.map((e) => e.execId),
      executions.map((e) => e.orderId),
      executions.map((e) => e.quantity),
      executions.map((e) => e.price),
      executions.map((e) => e.fee),
    ],
  );
}

function queueOrderUpdates(tx: WriteTx, updated: readonly OrderRow[]): void {
  if (updated.length === 0) return;
  tx.queue(
    `UPDATE orders o SET status = v.status, cum_qty = v.cum_qty, leaves_qty = v.leaves_qty,
            cum_notional = v.cum_notional, avg_px = v.avg_px, reason = v.reason,
            updated_at = v.updated_at, response_status = v.response_status,
            response_body = v.response_body
       FROM unnest($1::uuid[], $2::text[], $3::numeric[], $4::numeric[], $5::numeric[],
                   $6::numeric[], $7::text[], $8::timestamptz[], $9::int[], $10::jsonb[])
            AS v(id, status, cum_qty, leaves_qty, cum_notional, avg_px, reason, updated_at,
                 response_status, response_body)
      WHERE o.id = v.id`,
    [
      updated.map((u) => u.id),
      updated.map((u) => u.status),
      updated.map((u) => u.cum_qty),
      updated.map((u) => u.leaves_qty),
      updated.map((u) => u.cum_notional),
      updated.map((u) => u.avg_px),
      updated.map((u) => u.reason),
      updated.map((u) => u.updated_at),
      updated.map((u) => u.response_status),
      updated.map((u) => (u.response_body === null ? null : JSON.stringify(u.response_body))),
    ],
  );
}
