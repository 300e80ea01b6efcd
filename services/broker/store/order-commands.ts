import { dec, Dec, formatDecimal } from '../../platform/decimal.js';
import type { CancelOrderResult, SubmitOrderResult } from '../domain/broker-adapter.js';
import type { BrokerFill, BrokerOrder, SubmitOrderRequest } from '../domain/broker-order.js';
import { checkBuyingPower } from '../domain/buying-power.js';
import { cancelOrder, checkSubmission, openOrder } from '../domain/fill-engine.js';
import { balanceOf, fillJournal, userAccount } from '../domain/ledger.js';
import { quoteAt } from '../domain/market-simulator.js';
import { checkOrderRequest } from '../domain/order-request.js';
import { findAccount, lockAccounts } from './accounts-store.js';
import type { BrokerContext } from './broker-context.js';
import { balancesOfAccounts, queueJournals } from './ledger-store.js';
import { matchAndStore, matchUpTo, type Matched } from './match-and-store.js';
import {
  fillsOf,
  fillsOfOrders,
  lockOrder,
  lockOrders,
  orderKey,
  queueInsertFills,
  queueInsertOrders,
  queueUpdateOrders,
  reservedCashOf,
} from './orders-store.js';
import { queueAll, type OutboxMessage } from '../../platform/events/index.js';
import type { WriteTx } from '../../platform/transaction.js';

/** Places one order in the caller's transaction: a batch of one (see placeOrders). */
export async function placeOrder(
  tx: WriteTx,
  ctx: BrokerContext,
  request: SubmitOrderRequest,
): Promise<SubmitOrderResult> {
  const [result] = await placeOrders(tx, ctx, [request]);
  return result!;
}

/** Cash that a working limit buy may still spend (what reservedCashOf sums per account). */
function reservationOf(order: BrokerOrder): Dec {
  return order.status === 'working' && order.side === 'buy' && order.limitPrice !== null
    ? dec(order.quantity).minus(order.filledQty).times(order.limitPrice)
    : new Dec(0);
}

/**
 * Places orders in the caller's transaction, for the users their `accountId`s name (a broker
 * account is opened on first use), in three round trips whatever their number:
 * 1. the accounts, locked in ascending user order (orders of one account queue there), and
 *    the market step;
 * 2. the orders already under these client order ids (locked), their fills, and for buyers
 *    their cash and the cash their working limit buys reserve;
 * 3. every write, one statement per table, with the COMMIT.
 * Between 2 and 3 each order is decided in memory, in the order given, exactly as it would be
 * alone: a repeated client order id (from an earlier call or earlier in this batch) answers
 * the first order, matched up to now, instead of filling again, and the same id with other
 * terms is refused; a new order is validated, checked for buying power against the cash left
 * after the account's earlier orders, stored, and matched against the current step.
 */
export async function placeOrders(
  tx: WriteTx,
  ctx: BrokerContext,
  requests: readonly SubmitOrderRequest[],
): Promise<SubmitOrderResult[]> {
  const [accounts, step] = await Promise.all([
    lockAccounts(
      tx,
      requests.map((r) => r.accountId),
    ),
    ctx.clock.current(tx),
  ]);
  const submits = requests.map((r) => ({ ...r, accountId: accounts.get(r.accountId)!.accountId }));
  const buyers = [...new Set(submits.filter((s) => s.side === 'buy').map((s) => s.accountId))];
  const [orders, fills, balances, reserved] = await Promise.all([
    lockOrders(tx, submits),
    fillsOfOrders(tx, submits),
    balancesOfAccounts(tx, buyers.map(userAccount)),
    reservedCashOf(tx, buyers),
  ]);
  const cash = new Map(
    buyers.map((a) => [a, dec(balances.get(userAccount(a))?.get(ctx.cashCurrency) ?? '0')]),
  );
  const committed = new Map(buyers.map((a) => [a, dec(reserved.get(a) ?? '0')]));
  const created: BrokerOrder[] = [];
  const updated = new Map<string, BrokerOrder>();
  const newFills: BrokerFill[] = [];
  const reports: OutboxMessage[] = [];

  /** Books a match in memory: its fills, the order's new state, the account's cash. */
  function book(before: BrokerOrder, matched: Matched): void {
    const key = orderKey(before.accountId, before.clientOrderId);
    orders.set(key, matched.order);
    fills.set(key, [...(fills.get(key) ?? []), ...matched.fills]);
    newFills.push(...matched.fills);
    reports.push(...matched.reports);
    const account = before.accountId;
    if (cash.has(account)) {
      let c = cash.get(account)!;
      for (const f of matched.fills) {
        c = c.plus(balanceOf(fillJournal(f).lines, userAccount(account), ctx.cashCurrency));
      }
      cash.set(account, c);
      committed.set(
        account,
        committed.get(account)!.minus(reservationOf(before)).plus(reservationOf(matched.order)),
      );
    }
  }

  const results = submits.map((submit, i): SubmitOrderResult => {
    const key = orderKey(submit.accountId, submit.clientOrderId);
    const existing = orders.get(key);
    if (existing) {
      if (checkSubmission(existing, submit).kind === 'conflict') {
        return {
          outcome: 'rejected',
          code: 'ALP_BROKER_CLIENT_ORDER_ID_REUSED',
          reason: `${submit.clientOrderId} was used for an order with other terms`,
        };
      }
      const matched = matchUpTo(ctx, existing, step, { userId: requests[i]!.accountId });
      book(existing, matched);
      if (matched.changed) {
        // An order created earlier in this batch is inserted in its latest state instead.
        const at = created.indexOf(existing);
        if (at >= 0) created[at] = matched.order;
        else updated.set(key, matched.order);
      }
      return { outcome: 'duplicate', order: matched.order, fills: fills.get(key) ?? [] };
    }
    const valid = checkOrderRequest(submit, ctx.instruments);
    if (!valid.ok) return { outcome: 'rejected', code: valid.code, reason: valid.reason };
    if (submit.side === 'buy') {
      const quote = quoteAt(ctx.market, submit.symbol, step, ctx.clock.timeOfStep(step));
      const power = checkBuyingPower({
        availableCash: formatDecimal(
          cash.get(submit.accountId)!.minus(committed.get(submit.accountId)!),
        ),
        quantity: submit.quantity,
        referencePrice: submit.limitPrice ?? quote.ask,
        feeRateCentiBps: ctx.feeRateCentiBps,
        currency: valid.instrument.currency,
      });
      if (!power.ok) return { outcome: 'rejected', code: power.code, reason: power.reason };
    }
    const opened = openOrder(submit, step);
    const matched = matchUpTo(ctx, opened, step, null);
    book(opened, matched);
    // Stored as matched: one insert, no update of a row written a moment earlier.
    created.push(matched.order);
    return { outcome: 'accepted', order: matched.order, fills: matched.fills };
  });

  queueInsertOrders(tx, created);
  queueInsertFills(tx, newFills);
  queueJournals(tx, newFills.map(fillJournal));
  queueUpdateOrders(tx, [...updated.values()]);
  queueAll(tx, reports);
  return results;
}

/** Cancels what is left of an order (after matching it up to now: fills that happened count). */
export async function cancelPlacedOrder(
  tx: WriteTx,
  ctx: BrokerContext,
  userId: string,
  clientOrderId: string,
): Promise<CancelOrderResult> {
  const found = await lockExisting(tx, ctx, userId, clientOrderId);
  if (!found) return notFound(clientOrderId);
  const caught = await matchAndStore(tx, ctx, found.order, found.step, { userId });
  const result = cancelOrder(caught.order);
  if (result.kind === 'canceled') {
    tx.queue(
      `UPDATE broker_orders SET status = 'canceled', updated_at = now()
        WHERE account_id = $1 AND client_order_id = $2`,
      [found.order.accountId, clientOrderId],
    );
  }
  return {
    outcome: result.kind,
    order: result.order,
    fills: await fillsOf(tx, found.order.accountId, clientOrderId),
  };
}

/** An order as it stands now (matched up to the current step first), or undefined. */
export async function getPlacedOrder(
  tx: WriteTx,
  ctx: BrokerContext,
  userId: string,
  clientOrderId: string,
): Promise<{ order: BrokerOrder; fills: readonly BrokerFill[] } | undefined> {
  const found = await lockExisting(tx, ctx, userId, clientOrderId);
  return found && catchUp(tx, ctx, found.order, found.step, userId);
}

function notFound(clientOrderId: string): CancelOrderResult {
  return {
    outcome: 'rejected',
    code: 'ALP_BROKER_ORDER_NOT_FOUND',
    reason: `no order ${clientOrderId} for this user`,
  };
}

async function lockExisting(
  tx: WriteTx,
  ctx: BrokerContext,
  userId: string,
  clientOrderId: string,
): Promise<{ order: BrokerOrder; step: number } | undefined> {
  const account = await findAccount(tx, userId);
  const order = account && (await lockOrder(tx, account.accountId, clientOrderId));
  return order && { order, step: await ctx.clock.current(tx) };
}

async function catchUp(
  tx: WriteTx,
  ctx: BrokerContext,
  order: BrokerOrder,
  step: number,
  userId: string,
): Promise<{ order: BrokerOrder; fills: readonly BrokerFill[] }> {
  const caught = await matchAndStore(tx, ctx, order, step, { userId });
  return { order: caught.order, fills: await fillsOf(tx, order.accountId, order.clientOrderId) };
}
