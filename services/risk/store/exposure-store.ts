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

/** A user's exposure in one symbol: `${userId}/${symbol}` (user ids hold no slash). */
export const exposureKey = (userId: string, symbol: string) => `${userId}/${symbol}`;

/**
 * Exposures locked for the rest of the transaction, in ascending (user, symbol) order, in one
 * statement; a pair never traded reads as empty. Keyed by exposureKey. Callers hold the
 * users' limits rows first (lockLimitsOf), as every writer of exposures does.
 */
export async function lockExposures(
  tx: Tx,
  pairs: readonly { readonly userId: string; readonly symbol: string }[],
): Promise<Map<string, SymbolExposure>> {
  const unique = new Map(pairs.map((p) => [exposureKey(p.userId, p.symbol), p]));
  const found = new Map<string, SymbolExposure>();
  if (unique.size === 0) return found;
  const list = [...unique.values()];
  const { rows } = await tx.query<Row & { user_id: string }>(
    `SELECT user_id, ${COLUMNS} FROM exposures
      WHERE (user_id, symbol) IN (SELECT * FROM unnest($1::text[], $2::text[]))
      ORDER BY user_id, symbol FOR UPDATE`,
    [list.map((p) => p.userId), list.map((p) => p.symbol)],
  );
  for (const r of rows) found.set(exposureKey(r.user_id, r.symbol), fromRow(r));
  for (const [key, p] of unique) if (!found.has(key)) found.set(key, emptyExposure(p.symbol));
  return found;
}

/** Stores exposures (locked by lockExposures), in one statement riding with the commit. */
export function queueExposures(
  tx: WriteTx,
  exposures: readonly { readonly userId: string; readonly exposure: SymbolExposure }[],
): void {
  if (exposures.length === 0) return;
  const e = exposures.map((x) => x.exposure);
  tx.queue(
    `INSERT INTO exposures (user_id, symbol, position, cost_basis, open_buy_qty, open_sell_qty)
     SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::numeric[],
                          $6::numeric[])
     ON CONFLICT (user_id, symbol) DO UPDATE SET position = EXCLUDED.position,
       cost_basis = EXCLUDED.cost_basis, open_buy_qty = EXCLUDED.open_buy_qty,
       open_sell_qty = EXCLUDED.open_sell_qty, updated_at = now()`,
    [
      exposures.map((x) => x.userId),
      e.map((x) => x.symbol),
      e.map((x) => x.position),
      e.map((x) => x.costBasis),
      e.map((x) => x.openBuyQty),
      e.map((x) => x.openSellQty),
    ],
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
