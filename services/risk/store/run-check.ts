import { reserveOrder, type Side, type SymbolExposure } from '../domain/exposure.js';
import type { RiskLimits } from '../domain/limits.js';
import { countOrder, type RateWindow } from '../domain/order-rate.js';
import { checkOrder, type RiskDecision } from '../domain/risk-check.js';
import { exposureKey, lockExposures, queueExposures } from './exposure-store.js';
import { readKillSwitches } from './kill-switch-store.js';
import { lockLimitsOf, queueRates } from './limits-store.js';
import { queueAll, type OutboxMessage } from '../../platform/events/index.js';
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

/** The pre-trade check of one order in the caller's transaction (a batch of one). */
export async function runRiskCheck(
  tx: WriteTx,
  request: RiskCheckRequest,
  defaults: RiskLimits,
  nowMs: number,
): Promise<RiskDecision> {
  const [decision] = await runRiskChecksInTx(tx, [request], defaults, nowMs);
  return decision!;
}

/**
 * Pre-trade checks in the caller's transaction, in two round trips whatever their number. The
 * first locks the users' limits rows (FOR UPDATE, ascending user id), then the exposures they
 * trade (ascending), and reads earlier decisions and the kill switch. Then each check decides
 * in order, in memory, seeing the reservations and rate counts of the checks before it: a
 * user's concurrent orders queue on the row lock and, within a batch, on this order, so
 * together they can never exceed a limit. An order checked before answers its stored
 * decision. Every write (rate windows, exposures, reservations, decisions, RiskLimitBreached
 * for each refusal) rides with the COMMIT, one statement per table.
 */
export async function runRiskChecksInTx(
  tx: WriteTx,
  requests: readonly RiskCheckRequest[],
  defaults: RiskLimits,
  nowMs: number,
): Promise<RiskDecision[]> {
  const userIds = requests.map((r) => r.userId);
  const [limits, exposures, seen, killSwitch] = await Promise.all([
    lockLimitsOf(tx, userIds, defaults),
    lockExposures(
      tx,
      requests.map((r) => ({ userId: r.userId, symbol: r.symbol })),
    ),
    tx.query<{ order_id: string; decision: RiskDecision }>(
      'SELECT order_id, decision FROM risk_decisions WHERE order_id = ANY($1::text[])',
      [requests.map((r) => r.orderId)],
    ),
    readKillSwitches(tx, userIds),
  ]);
  const decided = new Map(seen.rows.map((r) => [r.order_id, r.decision]));
  const rates = new Map<string, RateWindow>();
  const changed = new Map<string, { userId: string; exposure: SymbolExposure }>();
  const reservations: RiskCheckRequest[] = [];
  const newDecisions: { request: RiskCheckRequest; decision: RiskDecision }[] = [];
  const breaches: OutboxMessage[] = [];

  const decisions = requests.map((request) => {
    const earlier = decided.get(request.orderId);
    if (earlier) return earlier;
    const { userId, orderId, symbol, side, quantity, price } = request;
    const row = limits.get(userId)!;
    const key = exposureKey(userId, symbol);
    const exposure = exposures.get(key)!;
    const rate = rates.get(userId) ?? row.rate;
    const decision = checkOrder(
      { symbol, side, quantity, price },
      {
        limits: row.limits,
        killSwitch: killSwitch(userId),
        exposure,
        daily: row.daily,
        rate,
        nowMs,
      },
    );
    if (decision.approved) {
      rates.set(userId, countOrder(rate, nowMs));
      const reserved = reserveOrder(exposure, side, quantity);
      exposures.set(key, reserved);
      changed.set(key, { userId, exposure: reserved });
      reservations.push(request);
    } else {
      breaches.push({
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
      });
    }
    decided.set(orderId, decision);
    newDecisions.push({ request, decision });
    return decision;
  });

  queueRates(tx, rates);
  queueExposures(tx, [...changed.values()]);
  if (reservations.length > 0) {
    tx.queue(
      `INSERT INTO reservations (order_id, user_id, symbol, side, quantity, remaining)
       SELECT o, u, s, d, q, q FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                           $5::numeric[]) AS v(o, u, s, d, q)`,
      [
        reservations.map((r) => r.orderId),
        reservations.map((r) => r.userId),
        reservations.map((r) => r.symbol),
        reservations.map((r) => r.side),
        reservations.map((r) => r.quantity),
      ],
    );
  }
  if (newDecisions.length > 0) {
    tx.queue(
      `INSERT INTO risk_decisions (order_id, user_id, approved, decision)
       SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::jsonb[])`,
      [
        newDecisions.map((d) => d.request.orderId),
        newDecisions.map((d) => d.request.userId),
        newDecisions.map((d) => d.decision.approved),
        newDecisions.map((d) => JSON.stringify(d.decision)),
      ],
    );
  }
  queueAll(tx, breaches);
  return decisions;
}
