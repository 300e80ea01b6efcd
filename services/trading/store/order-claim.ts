import type pg from 'pg';
import { orderAuditEntry } from '../domain/order-events.js';
import type { OrderRequest } from '../domain/order-request.js';
import { formatDecimal } from '../../platform/decimal.js';
import { appendAuditEntry } from './audit-store.js';
import { ORDER_COLUMNS, orderRef, type OrderRow } from './order-row.js';
import { inTransaction } from '../../platform/transaction.js';

export interface ClaimInput {
  readonly userId: string;
  readonly idempotencyKey: string;
  readonly clientOrderId: string;
  readonly requestHash: string;
  readonly order: OrderRequest;
}

export type Claim =
  | { readonly created: true; readonly row: OrderRow }
  | { readonly created: false; readonly row: OrderRow };

/**
 * Creates the order (PendingNew) under the user's idempotency key, with its first audit
 * entry, in one transaction; or, when the key is taken, returns the existing row untouched.
 */
export async function claimOrder(pool: pg.Pool, input: ClaimInput): Promise<Claim> {
  const o = input.order;
  const created = await inTransaction(pool, async (client) => {
    const { rows } = await client.query<OrderRow>(
      `INSERT INTO orders (user_id, idempotency_key, client_order_id, request_hash, symbol, side,
                           type, quantity, limit_price, leaves_qty)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING
       RETURNING ${ORDER_COLUMNS}`,
      [
        input.userId,
        input.idempotencyKey,
        input.clientOrderId,
        input.requestHash,
        o.symbol,
        o.side,
        o.type,
        formatDecimal(o.quantity),
        o.limitPrice === null ? null : formatDecimal(o.limitPrice),
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    await appendAuditEntry(
      client,
      row.id,
      orderAuditEntry(
        orderRef(row),
        { from: null, to: 'PendingNew' },
        row.created_at.toISOString(),
        {
          actor: input.userId,
        },
      ),
      null, // the order was created by this transaction: its chain is empty
    );
    return row;
  });
  if (created) return { created: true, row: created };
  const existing = await findByKey(pool, input.userId, input.idempotencyKey);
  if (!existing) throw new Error('idempotency key vanished between insert and select');
  return { created: false, row: existing };
}

export async function findByKey(
  pool: Pick<pg.Pool, 'query'>,
  userId: string,
  key: string,
): Promise<OrderRow | undefined> {
  const { rows } = await pool.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, key],
  );
  return rows[0];
}

/** Takes over an abandoned claim; false when someone else took it first (compare-and-set). */
export async function takeOverClaim(pool: pg.Pool, row: OrderRow): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE orders SET claimed_at = clock_timestamp()
      WHERE id = $1 AND claimed_at = $2::timestamptz AND response_status IS NULL`,
    [row.id, row.claimed_at],
  );
  return rowCount === 1;
}

/**
 * Gives the claim up after an unknown outcome at the broker, so that the client's retry under
 * the same key resumes at once instead of waiting for the claim to go stale.
 */
export async function releaseClaim(pool: pg.Pool, orderId: string): Promise<void> {
  await pool.query(
    `UPDATE orders SET claimed_at = '-infinity' WHERE id = $1 AND response_status IS NULL`,
    [orderId],
  );
}

/** Records that the order is about to be sent to the broker (committed before the call). */
export async function markRouted(pool: pg.Pool, orderId: string): Promise<void> {
  await pool.query('UPDATE orders SET routed_at = now() WHERE id = $1 AND routed_at IS NULL', [
    orderId,
  ]);
}
