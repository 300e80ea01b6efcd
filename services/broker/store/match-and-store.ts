import { dec, formatDecimal } from '../../platform/decimal.js';
import type { BrokerFill, BrokerOrder } from '../domain/broker-order.js';
import { matchOrder } from '../domain/fill-engine.js';
import { fillJournal } from '../domain/ledger.js';
import { quoteAt } from '../domain/market-simulator.js';
import type { BrokerContext } from './broker-context.js';
import { queueJournal } from './ledger-store.js';
import { queueInsertFill, queueUpdateOrder } from './orders-store.js';
import { queueAll, type OutboxMessage } from '../../platform/events/index.js';
import type { WriteTx } from '../../platform/transaction.js';

/** What matching an order up to a step produced, before anything is stored. */
export interface Matched {
  readonly order: BrokerOrder;
  readonly fills: readonly BrokerFill[];
  /** ExecutionReported per fill, when the caller asked for reports. */
  readonly reports: readonly OutboxMessage[];
  /** Whether the order row must be written (fills, a step matched, a new status). */
  readonly changed: boolean;
}

/**
 * Matches a working order up to `step`, in memory. With `report`, each fill also becomes an
 * ExecutionReported event (fills nobody is waiting for: resting orders filled as the clock
 * moves); the synchronous answer of a new order carries its own fills instead.
 */
export function matchUpTo(
  ctx: BrokerContext,
  order: BrokerOrder,
  step: number,
  report: { readonly userId: string } | null,
): Matched {
  const instrument = ctx.instruments.find((i) => i.symbol === order.symbol);
  if (!instrument || order.status !== 'working') {
    return { order, fills: [], reports: [], changed: false };
  }
  const matched = matchOrder(order, step, {
    instrument,
    feeRateCentiBps: ctx.feeRateCentiBps,
    quoteAt: (s) => quoteAt(ctx.market, order.symbol, s, ctx.clock.timeOfStep(s)),
  });
  let cumQty = dec(order.filledQty);
  const reports: OutboxMessage[] = [];
  for (const fill of matched.fills) {
    cumQty = cumQty.plus(fill.quantity);
    if (!report) continue;
    const leaves = dec(order.quantity).minus(cumQty);
    reports.push({
      topic: 'ExecutionReported',
      key: `${report.userId}/${order.clientOrderId}`,
      payload: {
        version: 1,
        clientOrderId: order.clientOrderId,
        userId: report.userId,
        execId: fill.execId,
        symbol: fill.symbol,
        side: fill.side,
        quantity: formatDecimal(dec(fill.quantity)),
        price: formatDecimal(dec(fill.price)),
        fee: formatDecimal(dec(fill.fee)),
        cumQty: formatDecimal(cumQty),
        leavesQty: formatDecimal(leaves),
        status: leaves.isZero() ? 'Filled' : 'PartiallyFilled',
      },
    });
  }
  const changed =
    matched.fills.length > 0 ||
    matched.order.matchedThroughStep !== order.matchedThroughStep ||
    matched.order.status !== order.status;
  return { order: matched.order, fills: matched.fills, reports, changed };
}

/**
 * Matches a locked working order up to `step` and stores what happened in the caller's
 * transaction: each fill, its balanced ledger journal and the order's new state, every
 * write riding with the transaction's next round trip (usually its COMMIT).
 */
export async function matchAndStore(
  tx: WriteTx,
  ctx: BrokerContext,
  order: BrokerOrder,
  step: number,
  report: { readonly userId: string } | null,
): Promise<{ readonly order: BrokerOrder; readonly fills: readonly BrokerFill[] }> {
  const matched = matchUpTo(ctx, order, step, report);
  for (const fill of matched.fills) {
    queueInsertFill(tx, fill);
    queueJournal(tx, fillJournal(fill));
  }
  queueAll(tx, matched.reports);
  if (matched.changed) queueUpdateOrder(tx, matched.order);
  return matched;
}
