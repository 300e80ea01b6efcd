import type { BrokerContext } from './broker-context.js';
import { matchAndStore } from './match-and-store.js';
import { lockOrder, workingOrderKeys } from './orders-store.js';
import { inTransaction } from '../../platform/transaction.js';
import type pg from 'pg';

/** Most working orders one sweep visits (the next sweep continues). */
export const SWEEP_BATCH = 500;

/**
 * Matches every working order up to the current step, one short transaction per order
 * (locked FOR UPDATE, so a sweep and a request on the same order take turns, and the
 * order's matched-through step makes a second pass over the same steps fill nothing).
 * Fills go to the outbox as ExecutionReported. Returns how many fills were made.
 */
export async function sweepWorkingOrders(pool: pg.Pool, ctx: BrokerContext): Promise<number> {
  const keys = await workingOrderKeys(pool, SWEEP_BATCH);
  let fills = 0;
  for (const key of keys) {
    fills += await inTransaction(pool, async (tx) => {
      const order = await lockOrder(tx, key.accountId, key.clientOrderId);
      if (!order || order.status !== 'working') return 0;
      const step = await ctx.clock.current(tx);
      const matched = await matchAndStore(tx, ctx, order, step, { userId: key.userId });
      return matched.fills.length;
    });
  }
  return fills;
}
