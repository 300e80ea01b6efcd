import type { DailyPnl } from '../domain/daily-pnl.js';
import type { RiskLimits } from '../domain/limits.js';
import type { RateWindow } from '../domain/order-rate.js';
import type { Tx, WriteTx } from '../../platform/transaction.js';

/** A user's limits row as the pre-trade check needs it (locked by the caller). */
export interface LimitsRow {
  readonly limits: RiskLimits;
  readonly rate: RateWindow;
  readonly daily: DailyPnl | undefined;
}

interface Row {
  max_order_notional: string;
  max_position_qty: string;
  max_daily_loss: string;
  max_orders_per_minute: number;
  restricted_symbols: string[];
  rate_window_ms: string | null;
  rate_count: number;
  pnl_day: string | null;
  realized_pnl_today: string;
}

const COLUMNS = `trim_scale(max_order_notional)::text AS max_order_notional,
  trim_scale(max_position_qty)::text AS max_position_qty,
  trim_scale(max_daily_loss)::text AS max_daily_loss,
  max_orders_per_minute, restricted_symbols,
  (extract(epoch FROM rate_window_start) * 1000)::bigint::text AS rate_window_ms, rate_count,
  pnl_day::text AS pnl_day, trim_scale(realized_pnl_today)::text AS realized_pnl_today`;

function fromRow(r: Row): LimitsRow {
  return {
    limits: {
      maxOrderNotional: r.max_order_notional,
      maxPositionQty: r.max_position_qty,
      maxDailyLoss: r.max_daily_loss,
      maxOrdersPerMinute: r.max_orders_per_minute,
      restrictedSymbols: r.restricted_symbols,
    },
    rate: {
      windowStartMs: r.rate_window_ms === null ? 0 : Number(r.rate_window_ms),
      count: r.rate_count,
    },
    daily: r.pnl_day === null ? undefined : { day: r.pnl_day, realizedPnl: r.realized_pnl_today },
  };
}

/**
 * Creates the user's row from the defaults when missing and locks it, in one statement (the
 * upsert's DO UPDATE takes the row lock and returns the row): every check and every exposure
 * change of one user runs behind this lock, one at a time.
 */
export async function lockLimits(tx: Tx, userId: string, defaults: RiskLimits): Promise<LimitsRow> {
  const { rows } = await tx.query<Row>(
    `INSERT INTO risk_limits AS l (user_id, max_order_notional, max_position_qty, max_daily_loss,
       max_orders_per_minute, restricted_symbols)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id) DO UPDATE SET user_id = l.user_id
     RETURNING ${COLUMNS}`,
    [
      userId,
      defaults.maxOrderNotional,
      defaults.maxPositionQty,
      defaults.maxDailyLoss,
      defaults.maxOrdersPerMinute,
      defaults.restrictedSymbols,
    ],
  );
  return fromRow(rows[0] as Row);
}

/** The user's limits without creating or locking anything (the defaults when none are stored). */
export async function readLimits(
  tx: Tx,
  userId: string,
  defaults: RiskLimits,
): Promise<RiskLimits> {
  const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM risk_limits WHERE user_id = $1`, [
    userId,
  ]);
  return rows[0] ? fromRow(rows[0]).limits : defaults;
}

/** Replaces a user's limits; the rate window and today's P&L stay as they are. */
export async function writeLimits(
  tx: Tx,
  userId: string,
  limits: RiskLimits,
  changedBy: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO risk_limits (user_id, max_order_notional, max_position_qty, max_daily_loss,
       max_orders_per_minute, restricted_symbols, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (user_id) DO UPDATE SET
       max_order_notional = EXCLUDED.max_order_notional,
       max_position_qty = EXCLUDED.max_position_qty,
       max_daily_loss = EXCLUDED.max_daily_loss,
       max_orders_per_minute = EXCLUDED.max_orders_per_minute,
       restricted_symbols = EXCLUDED.restricted_symbols,
       updated_by = EXCLUDED.updated_by,
       updated_at = now()`,
    [
      userId,
      limits.maxOrderNotional,
      limits.maxPositionQty,
      limits.maxDailyLoss,
      limits.maxOrdersPerMinute,
      limits.restrictedSymbols,
      changedBy,
    ],
  );
}

/** Stores the rate window after an approval (on the locked row); rides with the commit. */
export function queueRate(tx: WriteTx, userId: string, rate: RateWindow): void {
  tx.queue(
    `UPDATE risk_limits SET rate_window_start = to_timestamp($2::numeric / 1000), rate_count = $3
      WHERE user_id = $1`,
    [userId, rate.windowStartMs, rate.count],
  );
}

/** Stores today's realised P&L after a fill (on the locked row); rides with the commit. */
export function queueDaily(tx: WriteTx, userId: string, daily: DailyPnl): void {
  tx.queue(
    `UPDATE risk_limits SET pnl_day = $2::date, realized_pnl_today = $3 WHERE user_id = $1`,
    [userId, daily.day, daily.realizedPnl],
  );
}
