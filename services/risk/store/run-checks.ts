import type pg from 'pg';
import { settleAll, settleEachInTurn, settledValue, type Settled } from '../../platform/batcher.js';
import { inTransaction } from '../../platform/transaction.js';
import type { RiskLimits } from '../domain/limits.js';
import type { RiskDecision } from '../domain/risk-check.js';
import { runRiskCheck, runRiskChecksInTx, type RiskCheckRequest } from './run-check.js';

export interface ChecksOutcome {
  readonly decisions: Settled<RiskDecision>[];
  /** Whether any check was refused (a RiskLimitBreached event is waiting in the outbox). */
  readonly refused: boolean;
}

const refusedAny = (decisions: readonly Settled<RiskDecision>[]) =>
  decisions.some((d) => d.ok && !d.value.approved);

/**
 * Several pre-trade checks in one transaction (what trading sent together), in two round
 * trips (runRiskChecksInTx): every check decides exactly as it would alone, in the order
 * given, and concurrent batches lock users in the same order. If the transaction fails, the checks run again one at
 * a time, in order, each in a transaction of its own, so one bad check fails alone.
 */
export async function runRiskChecks(
  pool: pg.Pool,
  requests: readonly RiskCheckRequest[],
  defaults: RiskLimits,
  nowMs: number,
): Promise<ChecksOutcome> {
  const alone = (r: RiskCheckRequest) =>
    inTransaction(pool, (tx) => runRiskCheck(tx, r, defaults, nowMs));
  if (requests.length === 1) {
    const decisions = await settleAll([alone(requests[0]!)]);
    return { decisions, refused: refusedAny(decisions) };
  }
  let decisions: Settled<RiskDecision>[];
  try {
    const together = await inTransaction(pool, (tx) =>
      runRiskChecksInTx(tx, requests, defaults, nowMs),
    );
    decisions = together.map(settledValue);
  } catch {
    decisions = await settleEachInTurn(requests, alone);
  }
  return { decisions, refused: refusedAny(decisions) };
}
