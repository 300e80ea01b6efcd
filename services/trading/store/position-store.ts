import type { Tx, WriteTx } from '../../platform/transaction.js';
import { dec, formatDecimal } from '../../platform/decimal.js';
import type { Position } from '../domain/positions.js';

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
 * Locks a user's position in one symbol in the caller's transaction (creating it flat if
 * missing), so two fills in the same symbol never compute from the same starting point.
 * One statement: the upsert's DO UPDATE takes the row lock and returns the row.
 */
export async function lockPosition(tx: Tx, userId: string, symbol: string): Promise<Position> {
  const { rows } = await tx.query<PositionRow>(
    `INSERT INTO positions AS p (user_id, symbol) VALUES ($1, $2)
     ON CONFLICT (user_id, symbol) DO UPDATE SET user_id = p.user_id
     RETURNING ${COLUMNS}`,
    [userId, symbol],
  );
  return toPosition(rows[0]!);
}

/** Stores a position computed under `lockPosition`'s lock; rides with the next round trip. */
export function queuePositionWrite(tx: WriteTx, userId: string, next: Position): void {
  tx.queue(
    `UPDATE positions SET quantity = $3, cost_basis = $4, avg_cost = $5, realized_pnl = $6,
            updated_at = now()
      WHERE user_id = $1 AND symbol = $2`,
    [userId, next.symbol, next.quantity, next.costBasis, next.avgCost, next.realizedPnl],
  );
}

export async function listPositions(pool: Tx, userId: string): Promise<PositionView[]> {
  const { rows } = await pool.query<PositionRow>(
    `SELECT ${COLUMNS} FROM positions WHERE user_id = $1 ORDER BY symbol`,
    [userId],
  );
  return rows.map((r) => ({ ...toPosition(r), updatedAt: r.updated_at.toISOString() }));
}
