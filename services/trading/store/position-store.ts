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

/** A user's position in one symbol: `${userId}/${symbol}` (user ids hold no slash). */
export const positionKey = (userId: string, symbol: string) => `${userId}/${symbol}`;

/**
 * Locks users' positions in the caller's transaction (creating flat ones where missing), so
 * two fills in the same position never compute from the same starting point: one statement,
 * whose upsert takes the row locks in ascending order (user, then symbol), so two batches
 * never wait on each other in a cycle. Keyed by positionKey.
 */
export async function lockPositions(
  tx: Tx,
  pairs: readonly { readonly userId: string; readonly symbol: string }[],
): Promise<Map<string, Position>> {
  const unique = new Map(pairs.map((p) => [positionKey(p.userId, p.symbol), p]));
  if (unique.size === 0) return new Map();
  const list = [...unique.values()];
  const { rows } = await tx.query<PositionRow & { user_id: string }>(
    `INSERT INTO positions AS p (user_id, symbol)
     SELECT u, s FROM unnest($1::text[], $2::text[]) AS t(u, s) ORDER BY u, s
     ON CONFLICT (user_id, symbol) DO UPDATE SET user_id = p.user_id
     RETURNING user_id, ${COLUMNS}`,
    [list.map((p) => p.userId), list.map((p) => p.symbol)],
  );
  return new Map(rows.map((r) => [positionKey(r.user_id, r.symbol), toPosition(r)]));
}

/** Stores positions computed under `lockPositions`' lock, in one statement. */
export function queuePositionWrites(
  tx: WriteTx,
  positions: readonly { readonly userId: string; readonly position: Position }[],
): void {
  if (positions.length === 0) return;
  tx.queue(
    `UPDATE positions p SET quantity = v.quantity, cost_basis = v.cost_basis,
            avg_cost = v.avg_cost, realized_pnl = v.realized_pnl, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::numeric[],
                   $6::numeric[]) AS v(user_id, symbol, quantity, cost_basis, avg_cost, realized_pnl)
      WHERE p.user_id = v.user_id AND p.symbol = v.symbol`,
    [
      positions.map((p) => p.userId),
      positions.map((p) => p.position.symbol),
      positions.map((p) => p.position.quantity),
      positions.map((p) => p.position.costBasis),
      positions.map((p) => p.position.avgCost),
      positions.map((p) => p.position.realizedPnl),
    ],
  );
}

export async function listPositions(pool: Tx, userId: string): Promise<PositionView[]> {
  const { rows } = await pool.query<PositionRow>(
    `SELECT ${COLUMNS} FROM positions WHERE user_id = $1 ORDER BY symbol`,
    [userId],
  );
  return rows.map((r) => ({ ...toPosition(r), updatedAt: r.updated_at.toISOString() }));
}
