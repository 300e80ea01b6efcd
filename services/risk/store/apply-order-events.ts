import { dec, Dec, formatDecimal } from '../../platform/decimal.js';
import { addRealized } from '../domain/daily-pnl.js';
import { applyFillToExposure, type Side } from '../domain/exposure.js';
import type { RiskLimits } from '../domain/limits.js';
import { lockExposure, writeExposure } from './exposure-store.js';
import { lockLimits, writeDaily } from './limits-store.js';
import type { Tx } from '../../platform/transaction.js';

/** What risk reads from trading's OrderFilled payload. */
export interface OrderFilledPayload {
  readonly orderId: string;
  readonly userId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly execId: string;
  readonly fillQty: string;
  readonly fillPrice: string;
}

/** What risk reads from OrderCanceled / OrderRejected / OrderExpired. */
export interface OrderClosedPayload {
  readonly orderId: string;
  readonly userId: string;
}

export type ApplyOutcome = 'applied' | 'already-applied' | 'no-reservation';

interface Reservation {
  symbol: string;
  side: Side;
  remaining: string;
}

async function lockReservation(tx: Tx, orderId: string): Promise<Reservation | undefined> {
  const { rows } = await tx.query<Reservation>(
    `SELECT symbol, side, trim_scale(remaining)::text AS remaining FROM reservations
      WHERE order_id = $1 FOR UPDATE`,
    [orderId],
  );
  return rows[0];
}

/**
 * A fill moves quantity from the order's reservation into the position and books the P&L
 * it realised into today's figure. Runs in the caller's transaction (the consumer's, which
 * also records the event id); keyed on the exec id so that a fill delivered twice, even
 * under two event ids, is applied once. Locks in the check's order (limits row first).
 */
export async function applyOrderFilled(
  tx: Tx,
  fill: OrderFilledPayload,
  defaults: RiskLimits,
  nowMs: number,
): Promise<ApplyOutcome> {
  const fresh = await tx.query(
    'INSERT INTO applied_fills (exec_id, order_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [fill.execId, fill.orderId],
  );
  if (fresh.rowCount === 0) return 'already-applied';
  const limits = await lockLimits(tx, fill.userId, defaults);
  const reservation = await lockReservation(tx, fill.orderId);
  const before = await lockExposure(tx, fill.userId, fill.symbol);
  const { exposure, realizedPnl } = applyFillToExposure(before, {
    side: fill.side,
    quantity: fill.fillQty,
    price: fill.fillPrice,
  });
  // Only what this order reserved leaves the open quantity (never another order's).
  const fromReservation = Dec.min(fill.fillQty, reservation?.remaining ?? '0');
  const openField = fill.side === 'buy' ? 'openBuyQty' : 'openSellQty';
  await writeExposure(tx, fill.userId, {
    ...exposure,
    [openField]: formatDecimal(Dec.max(0, dec(before[openField]).minus(fromReservation))),
  });
  if (reservation) {
    await tx.query(
      `UPDATE reservations SET remaining = remaining - $2,
         released_at = CASE WHEN remaining - $2 = 0 THEN now() ELSE released_at END
        WHERE order_id = $1`,
      [fill.orderId, formatDecimal(fromReservation)],
    );
  }
  if (!dec(realizedPnl).isZero()) {
    await writeDaily(tx, fill.userId, addRealized(limits.daily, realizedPnl, nowMs));
  }
  return 'applied';
}

/**
 * An order ended (canceled, rejected, expired): what it still had reserved is released.
 * Idempotent by construction: a released reservation has nothing left to release.
 */
export async function applyOrderClosed(
  tx: Tx,
  event: OrderClosedPayload,
  defaults: RiskLimits,
): Promise<ApplyOutcome> {
  await lockLimits(tx, event.userId, defaults);
  const reservation = await lockReservation(tx, event.orderId);
  if (!reservation) return 'no-reservation';
  if (dec(reservation.remaining).isZero()) return 'already-applied';
  const before = await lockExposure(tx, event.userId, reservation.symbol);
  const openField = reservation.side === 'buy' ? 'openBuyQty' : 'openSellQty';
  await writeExposure(tx, event.userId, {
    ...before,
    [openField]: formatDecimal(Dec.max(0, dec(before[openField]).minus(reservation.remaining))),
  });
  await tx.query(`UPDATE reservations SET remaining = 0, released_at = now() WHERE order_id = $1`, [
    event.orderId,
  ]);
  return 'applied';
}
