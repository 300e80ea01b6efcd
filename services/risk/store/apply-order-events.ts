import { dec, Dec, formatDecimal } from '../../platform/decimal.js';
import { addRealized, type DailyPnl } from '../domain/daily-pnl.js';
import { applyFillToExposure, type Side, type SymbolExposure } from '../domain/exposure.js';
import type { RiskLimits } from '../domain/limits.js';
import { exposureKey, lockExposures, queueExposures } from './exposure-store.js';
import { lockLimitsOf, queueDailies } from './limits-store.js';
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

/** Reservations of these orders, locked (ascending order id), by order id. */
async function lockReservations(
  tx: Tx,
  orderIds: readonly string[],
): Promise<Map<string, Reservation>> {
  const { rows } = await tx.query<Reservation & { order_id: string }>(
    `SELECT order_id, symbol, side, trim_scale(remaining)::text AS remaining FROM reservations
      WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE`,
    [[...new Set(orderIds)]],
  );
  return new Map(rows.map(({ order_id, ...r }) => [order_id, r]));
}

/** Stores what is left of reservations; one that reaches zero is released. */
function queueReservations(tx: WriteTx, remaining: ReadonlyMap<string, string>): void {
  if (remaining.size === 0) return;
  const list = [...remaining];
  tx.queue(
    `UPDATE reservations r SET remaining = v.remaining,
            released_at = CASE WHEN v.remaining = 0 THEN now() ELSE r.released_at END
       FROM unnest($1::text[], $2::numeric[]) AS v(order_id, remaining)
      WHERE r.order_id = v.order_id`,
    [list.map(([o]) => o), list.map(([, q]) => q)],
  );
}

/** A fill, with the time its event says it happened (for the day its P&L belongs to). */
export interface TimedFill extends OrderFilledPayload {
  readonly atMs: number;
}

/** One fill in the caller's transaction: a batch of one (see applyOrderFills). */
export async function applyOrderFilled(
  tx: WriteTx,
  fill: OrderFilledPayload,
  defaults: RiskLimits,
  nowMs: number,
): Promise<ApplyOutcome> {
  const [outcome] = await applyOrderFills(tx, [{ ...fill, atMs: nowMs }], defaults);
  return outcome!;
}

/**
 * Fills move quantity from each order's reservation into the position and book the P&L they
 * realised into the day of the fill. Runs in the caller's transaction (the consumer's, which
 * also records the event ids), keyed on exec ids so that a fill delivered twice, even under
 * two event ids, is applied once. Two round trips whatever the number of fills: one marks the
 * fills and locks in the check's order (limits rows, reservations, exposures, each ascending);
 * the writes ride with the COMMIT, one statement per table. Fills apply in the order given.
 */
export async function applyOrderFills(
  tx: WriteTx,
  fills: readonly TimedFill[],
  defaults: RiskLimits,
): Promise<ApplyOutcome[]> {
  const [marked, limits, reservations, exposures] = await Promise.all([
    tx.query<{ exec_id: string }>(
      `INSERT INTO applied_fills (exec_id, order_id)
       SELECT DISTINCT ON (e) e, o FROM unnest($1::text[], $2::text[]) AS v(e, o)
       ON CONFLICT DO NOTHING RETURNING exec_id`,
      [fills.map((f) => f.execId), fills.map((f) => f.orderId)],
    ),
    lockLimitsOf(
      tx,
      fills.map((f) => f.userId),
      defaults,
    ),
    lockReservations(
      tx,
      fills.map((f) => f.orderId),
    ),
    lockExposures(
      tx,
      fills.map((f) => ({ userId: f.userId, symbol: f.symbol })),
    ),
  ]);
  const fresh = new Set(marked.rows.map((r) => r.exec_id));
  const remaining = new Map<string, string>();
  const dailies = new Map<string, DailyPnl>();
  const changed = new Map<string, { userId: string; exposure: SymbolExposure }>();

  const outcomes = fills.map((fill): ApplyOutcome => {
    // A repeat, whether from an earlier delivery or earlier in this batch.
    if (!fresh.delete(fill.execId)) return 'already-applied';
    const key = exposureKey(fill.userId, fill.symbol);
    const before = exposures.get(key)!;
    const { exposure, realizedPnl } = applyFillToExposure(before, {
      side: fill.side,
      quantity: fill.fillQty,
      price: fill.fillPrice,
    });
    // Only what this order reserved leaves the open quantity (never another order's).
    const reservation = reservations.get(fill.orderId);
    const left = remaining.get(fill.orderId) ?? reservation?.remaining ?? '0';
    const fromReservation = Dec.min(fill.fillQty, left);
    const openField = fill.side === 'buy' ? 'openBuyQty' : 'openSellQty';
    const next = {
      ...exposure,
      [openField]: formatDecimal(Dec.max(0, dec(before[openField]).minus(fromReservation))),
    };
    exposures.set(key, next);
    changed.set(key, { userId: fill.userId, exposure: next });
    if (reservation) remaining.set(fill.orderId, formatDecimal(dec(left).minus(fromReservation)));
    if (!dec(realizedPnl).isZero()) {
      const daily = dailies.get(fill.userId) ?? limits.get(fill.userId)!.daily;
      dailies.set(fill.userId, addRealized(daily, realizedPnl, fill.atMs));
    }
    return 'applied';
  });

  queueExposures(tx, [...changed.values()]);
  queueReservations(tx, remaining);
  queueDailies(tx, dailies);
  return outcomes;
}

/** One closed order in the caller's transaction: a batch of one (see applyOrderCloses). */
export async function applyOrderClosed(
  tx: WriteTx,
  event: OrderClosedPayload,
  defaults: RiskLimits,
): Promise<ApplyOutcome> {
  const [outcome] = await applyOrderCloses(tx, [event], defaults);
  return outcome!;
}

/**
 * Orders that ended (canceled, rejected, expired): what each still had reserved is released.
 * Idempotent by construction: a released reservation has nothing left to release. Locks in
 * the check's order (limits rows and reservations, then the exposures they name).
 */
export async function applyOrderCloses(
  tx: WriteTx,
  events: readonly OrderClosedPayload[],
  defaults: RiskLimits,
): Promise<ApplyOutcome[]> {
  const [, reservations] = await Promise.all([
    lockLimitsOf(
      tx,
      events.map((e) => e.userId),
      defaults,
    ),
    lockReservations(
      tx,
      events.map((e) => e.orderId),
    ),
  ]);
  const open = events.filter((e) => {
    const r = reservations.get(e.orderId);
    return r !== undefined && !dec(r.remaining).isZero();
  });
  const exposures = await lockExposures(
    tx,
    open.map((e) => ({ userId: e.userId, symbol: reservations.get(e.orderId)!.symbol })),
  );
  const remaining = new Map<string, string>();
  const changed = new Map<string, { userId: string; exposure: SymbolExposure }>();
  const outcomes = events.map((event): ApplyOutcome => {
    const reservation = reservations.get(event.orderId);
    if (!reservation) return 'no-reservation';
    const left = remaining.get(event.orderId) ?? reservation.remaining;
    if (dec(left).isZero()) return 'already-applied';
    const key = exposureKey(event.userId, reservation.symbol);
    const before = exposures.get(key)!;
    const openField = reservation.side === 'buy' ? 'openBuyQty' : 'openSellQty';
    const next = {
      ...before,
      [openField]: formatDecimal(Dec.max(0, dec(before[openField]).minus(left))),
    };
    exposures.set(key, next);
    changed.set(key, { userId: event.userId, exposure: next });
    remaining.set(event.orderId, '0');
    return 'applied';
  });
  queueExposures(tx, [...changed.values()]);
  queueReservations(tx, remaining);
  return outcomes;
}
