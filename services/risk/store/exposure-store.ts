import { emptyExposure, type SymbolExposure } from '../domain/exposure.js';
import type { Tx, WriteTx } from '../../platform/transaction.js';

interface Row {
  symbol: string;
  position: string;
  cost_basis: string;
  open_buy_qty: string;
  open_sell_qty: string;
}

const COLUMNS = `symbol, trim_scale(position)::text AS position, trim_scale(cost_basis)::text AS cost_basis,
  trim_scale(open_buy_qty)::text AS open_buy_qty, trim_scale(open_sell_qty)::text AS open_sell_qty`;

function fromRow(r: Row): SymbolExposure {
  return {
    symbol: r.symbol,
    position: r.position,
    costBasis: r.cost_basis,
    openBuyQty: r.open_buy_qty,
    openSellQty: r.open_sell_qty,
  };
}

/** One symbol's exposure, locked for the rest of the transaction (empty when never traded). */
export async function lockExposure(
  tx: Tx,
  userId: string,
  symbol: string,
): Promise<SymbolExposure> {
  const { rows } = await tx.query<Row>(
    `SELECT ${COLUMNS} FROM exposures WHERE user_id = $1 AND symbol = $2 FOR UPDATE`,
    [userId, symbol],
  );
  return rows[0] ? fromRow(rows[0]) : emptyExposure(symbol);
}

/** Stores one symbol's exposure (locked by lockExposure); rides with the commit. */
export function queueExposure(tx: WriteTx, userId: string, e: SymbolExposure): void {
  tx.queue(
    `INSERT INTO exposures (user_id, symbol, position, cost_basis, open_buy_qty, open_sell_qty)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id, symbol) DO UPDATE SET position = EXCLUDED.position,
       cost_basis = EXCLUDED.cost_basis, open_buy_qty = EXCLUDED.open_buy_qty,
       open_sell_qty = EXCLUDED.open_sell_qty, updated_at = now()`,
    [userId, e.symbol, e.position, e.costBasis, e.openBuyQty, e.openSellQty],
  );
}

/** Every symbol the user holds or has open orders in, by symbol. */
export async function listExposures(tx: Tx, userId: string): Promise<SymbolExposure[]> {
  const { rows } = await tx.query<Row>(
    `SELECT ${COLUMNS} FROM exposures WHERE user_id = $1
        AND (position <> 0 OR open_buy_qty <> 0 OR open_sell_qty <> 0) ORDER BY symbol`,
    [userId],
  );
  return rows.map(fromRow);
}
