import type pg from 'pg';
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

export interface OrderPage {
  /**
   * The orders' views (the `view` column, migration 003) newest first, as the members of a
   * JSON array: JSON texts joined by commas, ready to be spliced between brackets.
   */
  readonly items: string;
  /** Where the next page starts, when there is one. */
  readonly next: OrderCursor | null;
}

/**
 * Newest first, keyset-paginated on (created_at, id). The page comes back as one row (the
 * views joined by Postgres, the cursor of the last one): pg then parses one row instead of
 * fifty-one, and only one timestamp is formatted.
 */
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
  const { rows } = await pool.query<{
    items: string;
    fetched: number;
    last_id: string | null;
    last_at: string | null;
  }>(
    `WITH page AS (
         SELECT id, view, created_at, row_number() OVER (ORDER BY created_at DESC, id DESC) AS n
           FROM orders WHERE ${where}
          ORDER BY created_at DESC, id DESC LIMIT $2)
       SELECT coalesce(string_agg(view, ',' ORDER BY n) FILTER (WHERE n < $2), '') AS items,
              count(*)::int AS fetched,
              max(id::text) FILTER (WHERE n = $2 - 1) AS last_id,
              max(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                FILTER (WHERE n = $2 - 1) AS last_at
         FROM page`,
    params,
  );
  const { items, fetched, last_id, last_at } = rows[0]!;
  return {
    items,
    next: fetched > limit && last_id && last_at ? { createdAt: last_at, id: last_id } : null,
  };
}
