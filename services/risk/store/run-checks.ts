import type pg from 'pg';
import { settleAll, settleEachInTurn, settledValue, type Settled } from '../../platform/batcher.js';
import { inTransactionNotingEvents } from '../../platform/events/index.js';
import type { Transaction } from '../../platform/transaction.js';
import type { RiskLimits } from '../domain/limits.js';
import type { RiskDecision } from '../domain/risk-check.js';
import { runRiskCheck, runRiskChecksInTx, type RiskCheckRequest } from './run-check.js';

export interface ChecksOutcome {
  readonly decisions: Settled<RiskDecision>[];
  /**
   * Whether a transaction wrote an event the relay has to publish (a refusal writes
   * RiskLimitBreached; see wroteEvents): only then is the relay worth a nudge.
   */
  readonly wroteEvents: boolean;
}

/**
 * Several pre-trade checks in one transaction (what trading sent together), in two round
 * trips (runRiskChecksInTx): every check decides exactly as it would alone, in the order
 * given, and concurrent batches lock users in the same order. If the transaction fails, the
 * checks run again one at a time, in order, each in a transaction of its own, so one bad
 * check fails alone.
 */
export async function runRiskChecks(
  pool: pg.Pool,
  requests: readonly RiskCheckRequest[],
  defaults: RiskLimits,
  nowMs: number,
): Promise<ChecksOutcome> {
  // Set once a transaction that wrote such an event has committed.
  let wrote = false;
  const inTx = <T>(work: (tx: Transaction) => Promise<T>): Promise<T> =>
    inTransactionNotingEvents(pool, work, () => (wrote = true));
  const alone = (r: RiskCheckRequest) => inTx((tx) => runRiskCheck(tx, r, defaults, nowMs));
  if (requests.length === 1) {
    const decisions = await settleAll([alone(requests[0]!)]);
    return { decisions, wroteEvents: wrote };
  }
  let decisions: Settled<RiskDecision>[];
  try {
    const together = await inTx((tx) => runRiskChecksInTx(tx, requests, defaults, nowMs));
    decisions = together.map(settledValue);
  } catch {
    decisions = await settleEachInTurn(requests, alone);
  }
  return { decisions, wroteEvents: wrote };
}
