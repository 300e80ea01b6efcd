import type { Tx } from '../../platform/transaction.js';
import { pipeline, prepared, statementName, type Statement } from '../../platform/pipeline.js';
import { settleAll, settleEachInTurn, type Settled } from '../../platform/batcher.js';
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

const CLAIM = `WITH created AS (
       INSERT INTO orders (id, user_id, idempotency_key, client_order_id, request_hash, symbol,
                           side, type, quantity, limit_price, leaves_qty, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11, $11)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING
       RETURNING ${ORDER_COLUMNS}),
     audit AS (
       INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry)
       SELECT id::text, $12, $13, $14, $15 FROM created)
     SELECT * FROM created`;

/**
 * The statement that creates the order (PendingNew) under the user's idempotency key, with its
 * first audit entry, or does nothing when the key is taken. The id and creation time are
 * chosen here so that the audit entry, whose hash covers both, can be sealed before the insert.
 */
function claimStatement(input: ClaimInput): Statement {
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
  const name = statementName(CLAIM);
  const values = [
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
  ];
  return { text: CLAIM, values, ...(name !== undefined && { name }) };
}

/** The claim's answer: the order it created, or the one already under that key. */
async function claimOf(pool: Db, input: ClaimInput, created: OrderRow | undefined): Promise<Claim> {
  if (created) return { created: true, row: created };
  const existing = await findByKey(pool, input.userId, input.idempotencyKey);
  if (!existing) throw new Error('idempotency key vanished between insert and select');
  return { created: false, row: existing };
}

/**
 * Creates the order (PendingNew) under the user's idempotency key, with its first audit
 * entry, in one statement (one round trip, atomic); or, when the key is taken, returns the
 * existing row untouched.
 */
export async function claimOrder(pool: Db, input: ClaimInput): Promise<Claim> {
  const { text, values = [] } = claimStatement(input);
  const { rows } = await pool.query<OrderRow>(prepared(text, values));
  return claimOf(pool, input, rows[0]);
}

/**
 * `claimOrder` for several requests in one round trip and one commit: their statements go
 * pipelined, as one implicit transaction. Two requests under one key in the same batch are
 * fine: the second finds the first's row and answers as a duplicate. If the pipeline fails,
 * the requests are claimed again one at a time, in order, so one bad request fails alone.
 */
export async function claimOrders(
  pool: pg.Pool,
  inputs: readonly ClaimInput[],
): Promise<Settled<Claim>[]> {
  if (inputs.length === 1) return settleAll([claimOrder(pool, inputs[0]!)]);
  let created: (OrderRow | undefined)[];
  try {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    client.on('error', onError);
    try {
      const results = await pipeline(client, inputs.map(claimStatement));
      created = results.map((r) => r.rows[0] as OrderRow | undefined);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  } catch {
    return settleEachInTurn(inputs, (i) => claimOrder(pool, i));
  }
  return settleAll(inputs.map((input, i) => claimOf(pool, input, created[i])));
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
