import type pg from 'pg';
import { dec, formatDecimal } from '../../platform/decimal.js';
import type { OrderSide } from '../domain/order-types.js';
import { applyFillToPosition, type Position } from '../domain/positions.js';

interface PositionRow {
  symbol: string;
  quantity: string;
  cost_basis: string;
  avg_cost: string | null;
  realized_pnl: string;
  updated_at: Date;
}

export interface PositionView extends Position {
  readonly updatedAt: string;
}

const canon = (v: string) => formatDecimal(dec(v));

function toPosition(r: PositionRow): Position {
  return {
    symbol: r.symbol,
    quantity: canon(r.quantity),
    costBasis: canon(r.cost_basis),
    avgCost: r.avg_cost === null ? null : canon(r.avg_cost),
    realizedPnl: canon(r.realized_pnl),
  };
}

const COLUMNS = `symbol, quantity::text, cost_basis::text, avg_cost::text, realized_pnl::text, updated_at`;

/**
 * Moves a user's position by one fill, in the caller's transaction. The row is created
 * first (if missing) and then locked, so two fills in the same symbol never compute from
 * the same starting point.
 */
export async function applyFillToStoredPosition(
  client: pg.ClientBase,
  userId: string,
  fill: { symbol: string; side: OrderSide; quantity: string; price: string },
): Promise<Position> {
  await client.query(
    `INSERT INTO positions (user_id, symbol) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [userId, fill.symbol],
  );
  const { rows } = await client.query<PositionRow>(
    `SELECT ${COLUMNS} FROM positions WHERE user_id = $1 AND symbol = $2 FOR UPDATE`,
    [userId, fill.symbol],
  );
  const next = applyFillToPosition(toPosition(rows[0]!), fill);
  await client.query(
    `UPDATE positions SET quantity = $3, cost_basis = $4, avg_cost = $5, realized_pnl = $6,
            updated_at = now()
      WHERE user_id = $1 AND symbol = $2`,
    [userId, fill.symbol, next.quantity, next.costBasis, next.avgCost, next.realizedPnl],
  );
  return next;
}

export async function listPositions(
  pool: Pick<pg.Pool, 'query'>,
  userId: string,
): Promise<PositionView[]> {
  const { rows } = await pool.query<PositionRow>(
    `SELECT ${COLUMNS} FROM positions WHERE user_id = $1 ORDER BY symbol`,
    [userId],
  );
  return rows.map((r) => ({ ...toPosition(r), updatedAt: r.updated_at.toISOString() }));
}
