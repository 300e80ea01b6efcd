import type { FastifyInstance } from 'fastify';
import {
  batchersBy,
  settleAll,
  settleEachInTurn,
  settledValue,
  type Settled,
} from '../../platform/batcher.js';
import { inTransaction } from '../../platform/transaction.js';
import {
  applyReportsToOrders,
  type ApplyItem,
  type ApplyOutcome,
  type TradingReport,
} from '../store/order-apply.js';
import { claimOrders, type Claim, type ClaimInput } from '../store/order-claim.js';
import type { OrderRow } from '../store/order-row.js';
import { batchSizes } from './batch-metrics.js';

/*
 * The order flow's two writes, batched: requests that arrive together claim their keys in one
 * round trip and one commit, and orders that finish together apply their outcomes in one
 * transaction (see createBatcher). Each request still gets its own answer; one that fails in
 * a batch is retried alone.
 */

export interface Finishing {
  readonly row: OrderRow;
  readonly reports: readonly TradingReport[];
  readonly actor: string;
}

/**
 * Applies the outcomes of orders that finished together in one transaction, with one
 * statement per table (applyReportsToOrders). If the transaction fails, each order is
 * finished in a transaction of its own, so one bad order fails alone.
 */
async function finishAll(
  app: FastifyInstance,
  items: readonly Finishing[],
): Promise<Settled<ApplyOutcome>[]> {
  const asApply = (i: Finishing): ApplyItem => ({
    order: i.row,
    reports: i.reports,
    ctx: { actor: i.actor, storeResponse: true, log: app.log },
  });
  const alone = (i: Finishing) =>
    inTransaction(app.pg, (tx) => applyReportsToOrders(tx, [asApply(i)])).then(([o]) => o!);
  let outcomes: Settled<ApplyOutcome>[];
  if (items.length === 1) {
    outcomes = await settleAll([alone(items[0]!)]);
  } else {
    try {
      const together = await inTransaction(app.pg, (tx) =>
        applyReportsToOrders(tx, items.map(asApply)),
      );
      outcomes = together.map(settledValue);
    } catch {
      outcomes = await settleEachInTurn(items, alone);
    }
  }
  if (outcomes.some((o) => o.ok && o.value.events > 0)) app.events.nudge();
  return outcomes;
}

const finisherOf = batchersBy((app: FastifyInstance) => ({
  run: (items: readonly Finishing[]) => finishAll(app, items),
  onBatch: batchSizes(app, 'order-outcomes'),
  maxInFlight: 2,
}));

/** Stores an order's outcome and its response; orders that finish together share a commit. */
export function finishOrder(app: FastifyInstance, item: Finishing): Promise<ApplyOutcome> {
  return finisherOf(app).submit(item);
}

const claimerOf = batchersBy((app: FastifyInstance) => ({
  run: (items: readonly ClaimInput[]) => claimOrders(app.pg, items),
  onBatch: batchSizes(app, 'order-claims'),
  maxInFlight: 2,
}));

/** Claims the idempotency key; requests that arrive together share a statement and a commit. */
export function claim(app: FastifyInstance, input: ClaimInput): Promise<Claim> {
  return claimerOf(app).submit(input);
}
