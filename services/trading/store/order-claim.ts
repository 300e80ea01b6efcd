import type { Tx } from '../../platform/transaction.js';
import { settleAll, settledError, settleEachInTurn, type Settled } from '../../platform/batcher.js';
import type pg from 'pg';
import { appendAudit, type AuditRecord } from '../domain/audit-chain.js';
import { orderAuditEntry, type OrderRef } from '../domain/order-events.js';
import type { OrderRequest } from '../domain/order-request.js';
import { formatDecimal } from '../../platform/decimal.js';
import { uuidv7 } from '../../platform/ids.js';
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

const CLAIM = `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::text[], $7::text[], $8::text[], $9::numeric[], $10::numeric[],
                            $11::timestamptz[], $12::bigint[], $13::text[], $14::text[], $15::jsonb[])
         AS i(id, user_id, idempotency_key, client_order_id, request_hash, symbol, side, type,
              quantity, limit_price, created_at, seq, prev_hash, hash, entry)),
     created AS (
       INSERT INTO orders (id, user_id, idempotency_key, client_order_id, request_hash, symbol,
                           side, type, quantity, limit_price, leaves_qty, created_at, updated_at)
       SELECT id, user_id, idempotency_key, client_order_id, request_hash, symbol, side, type,
              quantity, limit_price, quantity, created_at, created_at FROM input
       ON CONFLICT (user_id, idempotency_key) DO NOTHING
       RETURNING ${ORDER_COLUMNS}),
     audit AS (
       INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry)
       SELECT i.id::text, i.seq, i.prev_hash, i.hash, i.entry
         FROM input i JOIN created c ON c.id = i.id)
     SELECT * FROM created`;

/** One new order as the claim statement inserts it, with its first audit record sealed. */
interface NewOrder {
  readonly input: ClaimInput;
  readonly id: string;
  readonly createdAt: Date;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly audit: AuditRecord;
}

/**
 * The order a request creates (PendingNew) if its key is free. The id and creation time are
 * chosen here so that the audit entry, whose hash covers both, can be sealed before the insert.
 * The id is a UUIDv7 of the creation time (platform/ids.ts): the indexes keyed by order id
 * (orders, audit chains, executions; risk's reservations and decisions) grow at their end.
 */
function newOrder(input: ClaimInput): NewOrder {
  const o = input.order;
  const createdAt = new Date();
  const id = uuidv7(createdAt.getTime());
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
  return { input, id, createdAt, quantity, limitPrice, audit };
}

/** What makes two requests the same claim: the user and the idempotency key. */
const requestKey = (i: ClaimInput) => JSON.stringify([i.userId, i.idempotencyKey]);

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
 * existing row untouched (a batch of one, see claimOrders).
 */
export async function claimOrder(pool: Db, input: ClaimInput): Promise<Claim> {
  const [claim] = await claimOrders(pool, [input]);
  if (!claim!.ok) throw claim!.error;
  return claim!.value;
}

/**
 * `claimOrder` for several requests in one statement (one round trip, one commit, all or
 * nothing). A key that appears twice in the batch is inserted once: the later request finds
 * the first one's row and answers as a duplicate. If the statement fails, the requests are
 * claimed again one at a time, in order, so one bad request fails alone.
 */
export async function claimOrders(
  pool: Db,
  inputs: readonly ClaimInput[],
): Promise<Settled<Claim>[]> {
  // One new order per key: a repeat within the batch must not reach the statement.
  const firsts = new Map<string, ClaimInput>();
  for (const i of inputs) if (!firsts.has(requestKey(i))) firsts.set(requestKey(i), i);
  const fresh = [...firsts.values()].map(newOrder);
  let created: Map<string, OrderRow>;
  try {
    const { rows } = await pool.query<OrderRow>(CLAIM, [
      fresh.map((n) => n.id),
      fresh.map((n) => n.input.userId),
      fresh.map((n) => n.input.idempotencyKey),
      fresh.map((n) => n.input.clientOrderId),
      fresh.map((n) => n.input.requestHash),
      fresh.map((n) => n.input.order.symbol),
      fresh.map((n) => n.input.order.side),
      fresh.map((n) => n.input.order.type),
      fresh.map((n) => n.quantity),
      fresh.map((n) => n.limitPrice),
      fresh.map((n) => n.createdAt),
      fresh.map((n) => n.audit.seq),
      fresh.map((n) => n.audit.prevHash),
      fresh.map((n) => n.audit.hash),
      fresh.map((n) => JSON.stringify(n.audit.entry)),
    ]);
    // Keyed by the request that created each row, so that its first request takes it below.
    const requestOf = new Map(fresh.map((n) => [n.id, requestKey(n.input)]));
    created = new Map(rows.map((r) => [requestOf.get(r.id)!, r]));
  } catch (err) {
    if (inputs.length === 1) return [settledError(err)];
    return settleEachInTurn(inputs, (i) => claimOrder(pool, i));
  }
  return settleAll(
    inputs.map((input) => {
      const key = requestKey(input);
      const row = created.get(key);
      // Only the first request of a key takes the created row; a repeat is a duplicate.
      created.delete(key);
      return claimOf(pool, input, row);
    }),
  );
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
