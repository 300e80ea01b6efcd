import type { Tx } from '../../platform/transaction.js';

/** A live signal as the API shows it. */
export interface StrategySignal {
  readonly id: string;
  readonly strategyId: string;
  /** Open time of the finished candle whose close gave the signal. */
  readonly candleTime: string;
  readonly side: 'buy' | 'sell';
  /** Null for a signal that could not be sized (skipped). */
  readonly quantity: string | null;
  /** The candle's close the order was sized at. */
  readonly price: string;
  /** `placed`: trading took the order (it may still be Rejected by risk: see orderStatus). */
  readonly status: 'placed' | 'failed' | 'skipped';
  readonly orderId: string | null;
  readonly orderStatus: string | null;
  readonly filledQuantity: string;
  readonly reason: string | null;
  readonly createdAt: string;
}

export type NewSignal = Omit<StrategySignal, 'createdAt'> & {
  readonly ownerId: string;
  readonly idempotencyKey: string;
};

interface Row {
  id: string;
  strategy_id: string;
  candle_time: Date;
  side: 'buy' | 'sell';
  quantity: string | null;
  price: string;
  status: StrategySignal['status'];
  order_id: string | null;
  order_status: string | null;
  filled_quantity: string;
  reason: string | null;
  created_at: Date;
}

function fromRow(r: Row): StrategySignal {
  return {
    id: r.id,
    strategyId: r.strategy_id,
    candleTime: r.candle_time.toISOString(),
    side: r.side,
    quantity: r.quantity,
    price: r.price,
    status: r.status,
    orderId: r.order_id,
    orderStatus: r.order_status,
    filledQuantity: r.filled_quantity,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Records a signal; a signal already recorded for the strategy and candle (by another
 * instance) is kept as it is. True when this call recorded it.
 */
export async function insertSignal(db: Tx, s: NewSignal): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO strategy_signals (id, strategy_id, owner_id, candle_time, side, quantity, price,
       idempotency_key, status, order_id, order_status, filled_quantity, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (strategy_id, candle_time) DO NOTHING`,
    [
      s.id,
      s.strategyId,
      s.ownerId,
      s.candleTime,
      s.side,
      s.quantity,
      s.price,
      s.idempotencyKey,
      s.status,
      s.orderId,
      s.orderStatus,
      s.filledQuantity,
      s.reason,
    ],
  );
  return rowCount === 1;
}

/** The owner's strategy's signals, newest candle first (at most `limit`). */
export async function listSignals(
  db: Tx,
  strategyId: string,
  limit: number,
): Promise<StrategySignal[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, strategy_id, candle_time, side, quantity::text AS quantity, price::text AS price,
            status, order_id, order_status, filled_quantity::text AS filled_quantity, reason,
            created_at
       FROM strategy_signals WHERE strategy_id = $1
      ORDER BY candle_time DESC LIMIT $2`,
    [strategyId, limit],
  );
  return rows.map(fromRow);
}

/** A placed signal whose order may still fill. */
export interface OpenSignalOrder {
  readonly signalId: string;
  readonly ownerId: string;
  readonly orderId: string;
}

/**
 * Placed signals whose orders are not final (not Filled, Canceled, Rejected or Expired: the
 * list is the partial index's of migration 004), least recently read back first (at most
 * `limit`), marked read now so that the next pass starts with the others.
 */
export async function takeOpenSignalOrders(db: Tx, limit: number): Promise<OpenSignalOrder[]> {
  const { rows } = await db.query<{ id: string; owner_id: string; order_id: string }>(
    `UPDATE strategy_signals SET order_read_at = now()
      WHERE id IN (SELECT id FROM strategy_signals
                    WHERE status = 'placed'
                      AND order_status NOT IN ('Filled', 'Canceled', 'Rejected', 'Expired')
                    ORDER BY order_read_at NULLS FIRST LIMIT $1
                      FOR UPDATE SKIP LOCKED)
      RETURNING id, owner_id, order_id`,
    [limit],
  );
  return rows.map((r) => ({ signalId: r.id, ownerId: r.owner_id, orderId: r.order_id }));
}

/**
 * Records what trading answered for a signal's order. What filled only grows: an answer read
 * before another instance's newer one never takes the signal back, and a final state stays.
 */
export async function recordSignalOrder(
  db: Tx,
  signalId: string,
  order: { readonly status: string; readonly cumQty: string },
): Promise<void> {
  await db.query(
    `UPDATE strategy_signals SET order_status = $2, filled_quantity = $3
      WHERE id = $1 AND filled_quantity <= $3
        AND order_status NOT IN ('Filled', 'Canceled', 'Rejected', 'Expired')`,
    [signalId, order.status, order.cumQty],
  );
}

/** The strategy's position: what its orders filled, buys minus sells. */
export async function strategyPosition(db: Tx, strategyId: string): Promise<string> {
  const { rows } = await db.query<{ position: string }>(
    `SELECT coalesce(sum(CASE side WHEN 'buy' THEN filled_quantity ELSE -filled_quantity END), 0)::text
            AS position
       FROM strategy_signals WHERE strategy_id = $1`,
    [strategyId],
  );
  return rows[0]!.position;
}
