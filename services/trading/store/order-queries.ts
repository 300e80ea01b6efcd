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
  /** The most orders the page was asked for. */
  readonly limit: number;
}

/** One page asked for: whose orders, how many, and after which order (none: the newest). */
export interface PageRequest {
  readonly userId: string;
  readonly limit: number;
  readonly after?: OrderCursor | undefined;
}

/**
 * Newest first, keyset-paginated on (created_at, id), for any number of requests in one
 * statement: each request's page is a lateral subquery over `orders_user_created`, so pages
 * read together share one round trip and one statement's fixed cost, and each is still read
 * only after its request arrived. A page comes back as one row (the views joined by
 * Postgres, the cursor of the last one): pg parses one row per page instead of fifty-one,
 * and only one timestamp is formatted. Without a cursor, the bound is (infinity, max uuid),
 * which every order is below, so one statement (prepared once per connection) serves both.
 */
export async function listOwnOrderPages(
  pool: Pick<pg.Pool, 'query'>,
  requests: readonly PageRequest[],
): Promise<OrderPage[]> {
  const { rows } = await pool.query<{
    items: string;
    fetched: number;
    last_id: string | null;
    last_at: string | null;
  }>(
    `SELECT p.items, p.fetched, p.last_id, p.last_at
       FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::uuid[])
              WITH ORDINALITY AS r(user_id, lim, after_at, after_id, i)
       CROSS JOIN LATERAL (
         SELECT coalesce(string_agg(page.view, ',' ORDER BY page.n) FILTER (WHERE page.n <= r.lim),
                         '') AS items,
                count(*)::int AS fetched,
                max(page.id::text) FILTER (WHERE page.n = r.lim) AS last_id,
                max(to_char(page.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                  FILTER (WHERE page.n = r.lim) AS last_at
           FROM (SELECT o.id, o.view, o.created_at,
                        row_number() OVER (ORDER BY o.created_at DESC, o.id DESC) AS n
                   FROM orders o
                  WHERE o.user_id = r.user_id
                    AND (o.created_at, o.id) < (coalesce(r.after_at, 'infinity'),
                                                coalesce(r.after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
                  ORDER BY o.created_at DESC, o.id DESC
                  LIMIT r.lim + 1) page
       ) p
      ORDER BY r.i`,
    [
      requests.map((q) => q.userId),
      requests.map((q) => q.limit),
      requests.map((q) => q.after?.createdAt ?? null),
      requests.map((q) => q.after?.id ?? null),
    ],
  );
  return rows.map(({ items, fetched, last_id, last_at }, i) => {
    const { limit } = requests[i]!;
    return {
      items,
      next: fetched > limit && last_id && last_at ? { createdAt: last_at, id: last_id } : null,
      limit,
    };
  });
}
