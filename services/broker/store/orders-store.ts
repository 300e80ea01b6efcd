import type { BrokerFill, BrokerOrder } from '../domain/broker-order.js';
import type { Tx, WriteTx } from '../../platform/transaction.js';

interface OrderRow {
  account_id: string;
  client_order_id: string;
  symbol: string;
  side: BrokerOrder['side'];
  type: BrokerOrder['type'];
  quantity: string;
  limit_price: string | null;
  status: BrokerOrder['status'];
  filled_qty: string;
  matched_through_step: string;
  fill_count: number;
}

const ORDER_COLUMNS = `account_id, client_order_id, symbol, side, type,
  trim_scale(quantity)::text AS quantity, trim_scale(limit_price)::text AS limit_price, status,
  trim_scale(filled_qty)::text AS filled_qty, matched_through_step::text AS matched_through_step,
  fill_count`;

function orderFrom(r: OrderRow): BrokerOrder {
  return {
    accountId: r.account_id,
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    quantity: r.quantity,
    limitPrice: r.limit_price,
    status: r.status,
    filledQty: r.filled_qty,
    matchedThroughStep: Number(r.matched_through_step),
    fillCount: r.fill_count,
  };
}

/** One order, locked FOR UPDATE for the rest of the transaction. */
export async function lockOrder(
  tx: Tx,
  accountId: string,
  clientOrderId: string,
): Promise<BrokerOrder | undefined> {
  const { rows } = await tx.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM broker_orders
      WHERE account_id = $1 AND client_order_id = $2 FOR UPDATE`,
    [accountId, clientOrderId],
  );
  return rows[0] && orderFrom(rows[0]);
}

/** Stores a new order; rides with the transaction's next round trip. */
export function queueInsertOrder(tx: WriteTx, o: BrokerOrder): void {
  tx.queue(
    `INSERT INTO broker_orders (account_id, client_order_id, symbol, side, type, quantity,
       limit_price, status, filled_qty, matched_through_step, fill_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      o.accountId,
      o.clientOrderId,
      o.symbol,
      o.side,
      o.type,
      o.quantity,
      o.limitPrice,
      o.status,
      o.filledQty,
      o.matchedThroughStep,
      o.fillCount,
    ],
  );
}

/** Stores an order's new state; rides with the transaction's next round trip. */
export function queueUpdateOrder(tx: WriteTx, o: BrokerOrder): void {
  tx.queue(
    `UPDATE broker_orders SET status = $3, filled_qty = $4, matched_through_step = $5,
       fill_count = $6, updated_at = now()
     WHERE account_id = $1 AND client_order_id = $2`,
    [o.accountId, o.clientOrderId, o.status, o.filledQty, o.matchedThroughStep, o.fillCount],
  );
}

/** Stores a fill; rides with the transaction's next round trip. */
export function queueInsertFill(tx: WriteTx, f: BrokerFill): void {
  tx.queue(
    `INSERT INTO fills (exec_id, account_id, client_order_id, symbol, side, quantity, price, fee,
       currency, step)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      f.execId,
      f.accountId,
      f.clientOrderId,
      f.symbol,
      f.side,
      f.quantity,
      f.price,
      f.fee,
      f.currency,
      f.step,
    ],
  );
}

/** Every fill of an order, oldest first. */
export async function fillsOf(
  tx: Tx,
  accountId: string,
  clientOrderId: string,
): Promise<BrokerFill[]> {
  const { rows } = await tx.query<{
    exec_id: string;
    symbol: string;
    side: BrokerFill['side'];
    quantity: string;
    price: string;
    fee: string;
    currency: string;
    step: string;
  }>(
    `SELECT exec_id, symbol, side, trim_scale(quantity)::text AS quantity,
            trim_scale(price)::text AS price, trim_scale(fee)::text AS fee, currency, step::text
       FROM fills WHERE account_id = $1 AND client_order_id = $2
      ORDER BY step, created_at, exec_id`,
    [accountId, clientOrderId],
  );
  return rows.map((r) => ({
    execId: r.exec_id,
    accountId,
    clientOrderId,
    symbol: r.symbol,
    side: r.side,
    quantity: r.quantity,
    price: r.price,
    fee: r.fee,
    currency: r.currency,
    step: Number(r.step),
  }));
}

/** Cash that working limit buys could still spend at their limit price. */
export async function reservedCash(tx: Tx, accountId: string): Promise<string> {
  const { rows } = await tx.query<{ reserved: string }>(
    `SELECT trim_scale(coalesce(sum((quantity - filled_qty) * limit_price), 0))::text AS reserved
       FROM broker_orders
      WHERE account_id = $1 AND side = 'buy' AND status = 'working' AND limit_price IS NOT NULL`,
    [accountId],
  );
  return rows[0]?.reserved ?? '0';
}

/** Working orders, oldest first (the clock sweep matches them). */
export async function workingOrderKeys(
  tx: Tx,
  limit: number,
): Promise<{ accountId: string; userId: string; clientOrderId: string }[]> {
  const { rows } = await tx.query<{ account_id: string; user_id: string; client_order_id: string }>(
    `SELECT o.account_id, a.user_id, o.client_order_id FROM broker_orders o
       JOIN accounts a ON a.id = o.account_id
      WHERE o.status = 'working' ORDER BY o.created_at LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    userId: r.user_id,
    clientOrderId: r.client_order_id,
  }));
}
