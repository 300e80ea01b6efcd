import type pg from 'pg';
import { prepared } from '../../platform/pipeline.js';
import type { Tx } from '../../platform/transaction.js';
import type { OrderCursor } from '../domain/pagination.js';
import { ORDER_COLUMNS, type OrderRow } from './order-row.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user's order, or undefined: another user's order and a malformed id look the same. */
export async function findOwnOrder(
  pool: Tx,
  userId: string,
  orderId: string,
): Promise<OrderRow | undefined> {
  if (!UUID.test(orderId)) return undefined;
  const { rows } = await pool.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`,
    [orderId, userId],
  );
  return rows[0];
}

export async function findByClientOrderId(
  client: Tx,
  clientOrderId: string,
): Promise<OrderRow | undefined> {
  const { rows } = await client.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE client_order_id = $1`,
    [clientOrderId],
  );
  return rows[0];
}

export interface OrderPage {
  /** Each order's view as JSON text (the `view` column, migration 003), newest first. */
  readonly items: string[];
  /** Where the next page starts, when there is one. */
  readonly next: OrderCursor | null;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listOwnOrders(
  pool: Pick<pg.Pool, 'query'>,
  userId: string,
  limit: number,
  after: OrderCursor | undefined,
): Promise<OrderPage> {
  const params: unknown[] = [userId, limit + 1];
  let where = 'user_id = $1';
  if (after) {
    params.push(after.createdAt, after.id);
    where += ' AND (created_at, id) < ($3::timestamptz, $4::uuid)';
  }
  const { rows } = await pool.query<{ id: string; view: string; cursor_at: string }>(
    prepared(
      `SELECT id, view,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM orders WHERE ${where}
      ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    ),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => r.view),
    next: rows.length > limit && last ? { createdAt: last.cursor_at, id: last.id } : null,
  };
}
