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
 * Creates each user's row from the defaults when missing and locks it, in one statement (the
 * upsert's DO UPDATE takes the row locks, in ascending user order, and returns the rows):
 * every check and every exposure change of one user runs behind this lock, one at a time,
 * and batches that name several users never wait on each other in a cycle.
 */
export async function lockLimitsOf(
  tx: Tx,
  userIds: readonly string[],
  defaults: RiskLimits,
): Promise<Map<string, LimitsRow>> {
  const users = [...new Set(userIds)];
  if (users.length === 0) return new Map();
  const { rows } = await tx.query<Row & { user_id: string }>(
    `INSERT INTO risk_limits AS l (user_id, max_order_notional, max_position_qty, max_daily_loss,
       max_orders_per_minute, restricted_symbols)
     SELECT u, $2, $3, $4, $5, $6 FROM unnest($1::text[]) AS u ORDER BY u
     ON CONFLICT (user_id) DO UPDATE SET user_id = l.user_id
     RETURNING user_id, ${COLUMNS}`,
    [
      users,
      defaults.maxOrderNotional,
      defaults.maxPositionQty,
      defaults.maxDailyLoss,
      defaults.maxOrdersPerMinute,
      defaults.restrictedSymbols,
    ],
  );
  return new Map(rows.map((r) => [r.user_id, fromRow(r)]));
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

/** Stores rate windows after approvals (on the locked rows), in one statement with the commit. */
export function queueRates(tx: WriteTx, rates: ReadonlyMap<string, RateWindow>): void {
  if (rates.size === 0) return;
  const list = [...rates];
  tx.queue(
    `UPDATE risk_limits l SET rate_window_start = to_timestamp(v.ms::numeric / 1000),
            rate_count = v.n
       FROM unnest($1::text[], $2::bigint[], $3::int[]) AS v(user_id, ms, n)
      WHERE l.user_id = v.user_id`,
    [list.map(([u]) => u), list.map(([, r]) => r.windowStartMs), list.map(([, r]) => r.count)],
  );
}

/** Stores today's realised P&L after fills (on the locked rows), in one statement. */
export function queueDailies(tx: WriteTx, dailies: ReadonlyMap<string, DailyPnl>): void {
  if (dailies.size === 0) return;
  const list = [...dailies];
  tx.queue(
    `UPDATE risk_limits l SET pnl_day = v.day, realized_pnl_today = v.pnl
       FROM unnest($1::text[], $2::date[], $3::numeric[]) AS v(user_id, day, pnl)
      WHERE l.user_id = v.user_id`,
    [list.map(([u]) => u), list.map(([, d]) => d.day), list.map(([, d]) => d.realizedPnl)],
  );
}
