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

/** An order's key among several: its account id (a uuid) and client order id. */
export const orderKey = (accountId: string, clientOrderId: string) =>
  `${accountId}/${clientOrderId}`;

interface OrderRef {
  readonly accountId: string;
  readonly clientOrderId: string;
}

const refArrays = (refs: readonly OrderRef[]) => [
  refs.map((r) => r.accountId),
  refs.map((r) => r.clientOrderId),
];

/** The orders that exist among these, locked in key order, by orderKey. */
export async function lockOrders(
  tx: Tx,
  refs: readonly OrderRef[],
): Promise<Map<string, BrokerOrder>> {
  const { rows } = await tx.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM broker_orders
      WHERE (account_id, client_order_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
      ORDER BY account_id, client_order_id FOR UPDATE`,
    refArrays(refs),
  );
  return new Map(rows.map((r) => [orderKey(r.account_id, r.client_order_id), orderFrom(r)]));
}

/** Every fill of these orders, oldest first, by orderKey. */
export async function fillsOfOrders(
  tx: Tx,
  refs: readonly OrderRef[],
): Promise<Map<string, BrokerFill[]>> {
  const { rows } = await tx.query<FillRow & { account_id: string; client_order_id: string }>(
    `SELECT account_id, client_order_id, ${FILL_COLUMNS} FROM fills
      WHERE (account_id, client_order_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
      ORDER BY account_id, client_order_id, step, created_at, exec_id`,
    refArrays(refs),
  );
  const out = new Map<string, BrokerFill[]>();
  for (const r of rows) {
    const key = orderKey(r.account_id, r.client_order_id);
    out.set(key, [...(out.get(key) ?? []), fillFrom(r, r.account_id, r.client_order_id)]);
  }
  return out;
}

/** New orders in one statement riding with the next round trip. */
export function queueInsertOrders(tx: WriteTx, orders: readonly BrokerOrder[]): void {
  if (orders.length === 0) return;
  tx.queue(
    `INSERT INTO broker_orders (account_id, client_order_id, symbol, side, type, quantity,
       limit_price, status, filled_qty, matched_through_step, fill_count)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
       $6::numeric[], $7::numeric[], $8::text[], $9::numeric[], $10::bigint[], $11::int[])`,
    [
      orders.map((o) => o.accountId),
      orders.map((o) => o.clientOrderId),
      orders.map((o) => o.symbol),
      orders.map((o) => o.side),
      orders.map((o) => o.type),
      orders.map((o) => o.quantity),
      orders.map((o) => o.limitPrice),
      orders.map((o) => o.status),
      orders.map((o) => o.filledQty),
      orders.map((o) => o.matchedThroughStep),
      orders.map((o) => o.fillCount),
    ],
  );
}

/** Orders' new states in one statement riding with the next round trip. */
export function queueUpdateOrders(tx: WriteTx, orders: readonly BrokerOrder[]): void {
  if (orders.length === 0) return;
  tx.queue(
    `UPDATE broker_orders o SET status = v.status, filled_qty = v.filled_qty,
            matched_through_step = v.step, fill_count = v.fill_count, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::bigint[], $6::int[])
            AS v(account_id, client_order_id, status, filled_qty, step, fill_count)
      WHERE o.account_id = v.account_id AND o.client_order_id = v.client_order_id`,
    [
      orders.map((o) => o.accountId),
      orders.map((o) => o.clientOrderId),
      orders.map((o) => o.status),
      orders.map((o) => o.filledQty),
      orders.map((o) => o.matchedThroughStep),
      orders.map((o) => o.fillCount),
    ],
  );
}

/** Fills in one statement riding with the next round trip. */
export function queueInsertFills(tx: WriteTx, fills: readonly BrokerFill[]): void {
  if (fills.length === 0) return;
  tx.queue(
    `INSERT INTO fills (exec_id, account_id, client_order_id, symbol, side, quantity, price, fee,
       currency, step)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[],
       $6::numeric[], $7::numeric[], $8::numeric[], $9::text[], $10::bigint[])`,
    [
      fills.map((f) => f.execId),
      fills.map((f) => f.accountId),
      fills.map((f) => f.clientOrderId),
      fills.map((f) => f.symbol),
      fills.map((f) => f.side),
      fills.map((f) => f.quantity),
      fills.map((f) => f.price),
      fills.map((f) => f.fee),
      fills.map((f) => f.currency),
      fills.map((f) => f.step),
    ],
  );
}

/** Cash that working limit buys could still spend, per account, from one statement. */
export async function reservedCashOf(
  tx: Tx,
  accountIds: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ account_id: string; reserved: string }>(
    `SELECT account_id, trim_scale(sum((quantity - filled_qty) * limit_price))::text AS reserved
       FROM broker_orders
      WHERE account_id = ANY($1::uuid[]) AND side = 'buy' AND status = 'working'
        AND limit_price IS NOT NULL
      GROUP BY account_id`,
    [[...new Set(accountIds)]],
  );
  return new Map(rows.map((r) => [r.account_id, r.reserved]));
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

interface FillRow {
  exec_id: string;
  symbol: string;
  side: BrokerFill['side'];
  quantity: string;
  price: string;
  fee: string;
  currency: string;
  step: string;
}

const FILL_COLUMNS = `exec_id, symbol, side, trim_scale(quantity)::text AS quantity,
  trim_scale(price)::text AS price, trim_scale(fee)::text AS fee, currency, step::text`;

function fillFrom(r: FillRow, accountId: string, clientOrderId: string): BrokerFill {
  return {
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
  };
}

/** Every fill of an order, oldest first. */
export async function fillsOf(
  tx: Tx,
  accountId: string,
  clientOrderId: string,
): Promise<BrokerFill[]> {
  const { rows } = await tx.query<FillRow>(
    `SELECT ${FILL_COLUMNS} FROM fills WHERE account_id = $1 AND client_order_id = $2
      ORDER BY step, created_at, exec_id`,
    [accountId, clientOrderId],
  );
  return rows.map((r) => fillFrom(r, accountId, clientOrderId));
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
