import { dec, Dec, formatDecimal } from '../../platform/decimal.js';
import { addRealized } from '../domain/daily-pnl.js';
import { applyFillToExposure, type Side } from '../domain/exposure.js';
import type { RiskLimits } from '../domain/limits.js';
import { lockExposure, queueExposure } from './exposure-store.js';
import { lockLimits, queueDaily } from './limits-store.js';
import type { Tx, WriteTx } from '../../platform/transaction.js';

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
  tx: WriteTx,
  fill: OrderFilledPayload,
  defaults: RiskLimits,
  nowMs: number,
): Promise<ApplyOutcome> {
  // One round trip: mark the fill, then lock limits, reservation and exposure in that order.
  const [fresh, limits, reservation, before] = await Promise.all([
    tx.query(
      'INSERT INTO applied_fills (exec_id, order_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [fill.execId, fill.orderId],
    ),
    lockLimits(tx, fill.userId, defaults),
    lockReservation(tx, fill.orderId),
    lockExposure(tx, fill.userId, fill.symbol),
  ]);
  if (fresh.rowCount === 0) return 'already-applied';
  const { exposure, realizedPnl } = applyFillToExposure(before, {
    side: fill.side,
    quantity: fill.fillQty,
    price: fill.fillPrice,
  });
  // Only what this order reserved leaves the open quantity (never another order's).
  const fromReservation = Dec.min(fill.fillQty, reservation?.remaining ?? '0');
  const openField = fill.side === 'buy' ? 'openBuyQty' : 'openSellQty';
  queueExposure(tx, fill.userId, {
    ...exposure,
    [openField]: formatDecimal(Dec.max(0, dec(before[openField]).minus(fromReservation))),
  });
  if (reservation) {
    tx.queue(
      `UPDATE reservations SET remaining = remaining - $2,
         released_at = CASE WHEN remaining - $2 = 0 THEN now() ELSE released_at END
        WHERE order_id = $1`,
      [fill.orderId, formatDecimal(fromReservation)],
    );
  }
  if (!dec(realizedPnl).isZero()) {
    queueDaily(tx, fill.userId, addRealized(limits.daily, realizedPnl, nowMs));
  }
  return 'applied';
}

/**
 * An order ended (canceled, rejected, expired): what it still had reserved is released.
 * Idempotent by construction: a released reservation has nothing left to release.
 */
export async function applyOrderClosed(
  tx: WriteTx,
  event: OrderClosedPayload,
  defaults: RiskLimits,
): Promise<ApplyOutcome> {
  const [, reservation] = await Promise.all([
    lockLimits(tx, event.userId, defaults),
    lockReservation(tx, event.orderId),
  ]);
  if (!reservation) return 'no-reservation';
  if (dec(reservation.remaining).isZero()) return 'already-applied';
  const before = await lockExposure(tx, event.userId, reservation.symbol);
  const openField = reservation.side === 'buy' ? 'openBuyQty' : 'openSellQty';
  queueExposure(tx, event.userId, {
    ...before,
    [openField]: formatDecimal(Dec.max(0, dec(before[openField]).minus(reservation.remaining))),
  });
  tx.queue(`UPDATE reservations SET remaining = 0, released_at = now() WHERE order_id = $1`, [
    event.orderId,
  ]);
  return 'applied';
}
