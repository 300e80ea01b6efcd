import type { FastifyInstance } from 'fastify';
import {
  createBatcher,
  runByLockKey,
  settleAll,
  settledValue,
  type Batcher,
  type Settled,
} from '../../platform/batcher.js';
import { inTransaction, type Transaction } from '../../platform/transaction.js';
import { applyReports, type ApplyOutcome, type TradingReport } from '../store/order-apply.js';
import { claimOrders, type Claim, type ClaimInput } from '../store/order-claim.js';
import type { OrderRow } from '../store/order-row.js';

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
 * Applies the outcomes of orders that finished together in one transaction. Every order row
 * of the batch is locked first, in id order, then each position's orders apply one after
 * another and positions side by side in key order (runByLockKey): an order never waits for a
 * position while holding one, so the batch cannot deadlock with a cancel or a consumer, which
 * take an order and then its position. If the transaction fails, each order is finished in a
 * transaction of its own, so one bad order fails alone.
 */
async function finishAll(
  app: FastifyInstance,
  items: readonly Finishing[],
): Promise<Settled<ApplyOutcome>[]> {
  const apply = (tx: Transaction, i: Finishing) =>
    applyReports(tx, i.row, i.reports, { actor: i.actor, storeResponse: true, log: app.log });
  const alone = (i: Finishing) => inTransaction(app.pg, (tx) => apply(tx, i));
  let outcomes: Settled<ApplyOutcome>[];
  if (items.length === 1) {
    outcomes = await settleAll([alone(items[0]!)]);
  } else {
    try {
      const together = await inTransaction(app.pg, async (tx) => {
        const locked = tx.query(
          'SELECT id FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
          [items.map((i) => i.row.id)],
        );
        const applied = runByLockKey(
          items,
          (i) => `${i.row.user_id}/${i.row.symbol}`,
          (i) => apply(tx, i),
        );
        // Both settle before the transaction may end: nothing is left on its way to the
        // connection after a rollback.
        const [l, a] = await Promise.allSettled([locked, applied]);
        if (l.status === 'rejected') throw l.reason;
        if (a.status === 'rejected') throw a.reason;
        return a.value;
      });
      outcomes = together.map(settledValue);
    } catch {
      outcomes = await settleAll(items.map(alone));
    }
  }
  if (outcomes.some((o) => o.ok && o.value.events > 0)) app.events.nudge();
  return outcomes;
}

const finishers = new WeakMap<FastifyInstance, Batcher<Finishing, ApplyOutcome>>();

function finisherOf(app: FastifyInstance): Batcher<Finishing, ApplyOutcome> {
  let batcher = finishers.get(app);
  if (!batcher) {
    batcher = createBatcher({ run: (items) => finishAll(app, items), maxInFlight: 2 });
    finishers.set(app, batcher);
  }
  return batcher;
}

/** Stores an order's outcome and its response; orders that finish together share a commit. */
export function finishOrder(app: FastifyInstance, item: Finishing): Promise<ApplyOutcome> {
  return finisherOf(app).submit(item);
}

const claimers = new WeakMap<FastifyInstance, Batcher<ClaimInput, Claim>>();

/** Claims the idempotency key; requests that arrive together share a round trip and a commit. */
export function claim(app: FastifyInstance, input: ClaimInput): Promise<Claim> {
  let batcher = claimers.get(app);
  if (!batcher) {
    batcher = createBatcher({ run: (items) => claimOrders(app.pg, items), maxInFlight: 2 });
    claimers.set(app, batcher);
  }
  return batcher.submit(input);
}
