import { reserveOrder } from '../domain/exposure.js';
import type { RiskLimits } from '../domain/limits.js';
import { countOrder } from '../domain/order-rate.js';
import { checkOrder, type RiskDecision } from '../domain/risk-check.js';
import type { Side } from '../domain/exposure.js';
import { lockExposure, queueExposure } from './exposure-store.js';
import { readKillSwitch } from './kill-switch-store.js';
import { lockLimits, queueRate } from './limits-store.js';
import { queueAll } from '../../platform/events/index.js';
import type { WriteTx } from '../../platform/transaction.js';

/** The body of `POST /internal/risk/check` (decimal strings). */
export interface RiskCheckRequest {
  readonly userId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: string;
  readonly price: string;
}

/**
 * The pre-trade check in one transaction: lock the user's limits row (FOR UPDATE), answer
 * the stored decision if this order was checked before, otherwise decide and record the
 * decision, the rate window and (on approval) the reservation before commit. Concurrent
 * checks of one user queue on the row lock, so together they can never exceed a limit.
 * A refusal also writes a RiskLimitBreached event to the outbox.
 */
export async function runRiskCheck(
  tx: WriteTx,
  request: RiskCheckRequest,
  defaults: RiskLimits,
  nowMs: number,
): Promise<RiskDecision> {
  const { userId, orderId, symbol, side, quantity, price } = request;
  // One round trip reads everything (BEGIN rides with it); the limits row is locked first.
  const [row, seen, killSwitch, exposure] = await Promise.all([
    lockLimits(tx, userId, defaults),
    tx.query<{ decision: RiskDecision }>(
      'SELECT decision FROM risk_decisions WHERE order_id = $1',
      [orderId],
    ),
    readKillSwitch(tx, userId),
    lockExposure(tx, userId, symbol),
  ]);
  if (seen.rows[0]) return seen.rows[0].decision;

  const decision = checkOrder(
    { symbol, side, quantity, price },
    { limits: row.limits, killSwitch, exposure, daily: row.daily, rate: row.rate, nowMs },
  );
  // Every write rides with the COMMIT.
  if (decision.approved) {
    queueRate(tx, userId, countOrder(row.rate, nowMs));
    queueExposure(tx, userId, reserveOrder(exposure, side, quantity));
    tx.queue(
      `INSERT INTO reservations (order_id, user_id, symbol, side, quantity, remaining)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [orderId, userId, symbol, side, quantity],
    );
  } else {
    queueAll(tx, [
      {
        topic: 'RiskLimitBreached',
        key: userId,
        payload: {
          version: 1,
          occurredAt: new Date(nowMs).toISOString(),
          userId,
          orderId,
          symbol,
          side,
          quantity,
          price,
          rule: decision.rule,
          code: decision.code,
          reason: decision.reason,
        },
      },
    ]);
  }
  tx.queue(
    'INSERT INTO risk_decisions (order_id, user_id, approved, decision) VALUES ($1, $2, $3, $4)',
    [orderId, userId, decision.approved, decision],
  );
  return decision;
}
