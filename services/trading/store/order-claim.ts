import type { Tx } from '../../platform/transaction.js';
import { prepared } from '../../platform/pipeline.js';
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../domain/audit-chain.js';
import { orderAuditEntry, type OrderRef } from '../domain/order-events.js';
import type { OrderRequest } from '../domain/order-request.js';
import { formatDecimal } from '../../platform/decimal.js';
import { ORDER_COLUMNS, type OrderRow } from './order-row.js';

/** The pool: hot single statements go through it prepared (see `prepared`). */
type Db = Pick<pg.Pool, 'query'>;

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
 * entry, in one statement (one round trip, atomic); or, when the key is taken, returns the
 * existing row untouched. The id and creation time are chosen here so that the audit entry,
 * whose hash covers both, can be sealed before the insert.
 */
export async function claimOrder(pool: Db, input: ClaimInput): Promise<Claim> {
  const o = input.order;
  const id = randomUUID();
  const createdAt = new Date();
  const quantity = formatDecimal(o.quantity);
  const limitPrice = o.limitPrice === null ? null : formatDecimal(o.limitPrice);
  const ref: OrderRef = {
    orderId: id,
    userId: input.userId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    quantity,
    limitPrice,
  };
  const audit = appendAudit(
    undefined,
    orderAuditEntry(ref, { from: null, to: 'PendingNew' }, createdAt.toISOString(), {
      actor: input.userId,
    }),
  );
  const { rows } = await pool.query<OrderRow>(
    prepared(
      `WITH created AS (
       INSERT INTO orders (id, user_id, idempotency_key, client_order_id, request_hash, symbol,
                           side, type, quantity, limit_price, leaves_qty, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11, $11)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING
       RETURNING ${ORDER_COLUMNS}),
     audit AS (
       INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry)
       SELECT id::text, $12, $13, $14, $15 FROM created)
     SELECT * FROM created`,
      [
        id,
        input.userId,
        input.idempotencyKey,
        input.clientOrderId,
        input.requestHash,
        o.symbol,
        o.side,
        o.type,
        quantity,
        limitPrice,
        createdAt,
        audit.seq,
        audit.prevHash,
        audit.hash,
        JSON.stringify(audit.entry),
      ],
    ),
  );
  if (rows[0]) return { created: true, row: rows[0] };
  const existing = await findByKey(pool, input.userId, input.idempotencyKey);
  if (!existing) throw new Error('idempotency key vanished between insert and select');
  return { created: false, row: existing };
}

export async function findByKey(
  pool: Tx,
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
