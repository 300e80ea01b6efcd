import { dec, formatDecimal } from '../../platform/decimal.js';
import type { CancelOrderResult, SubmitOrderResult } from '../domain/broker-adapter.js';
import type { BrokerFill, BrokerOrder, SubmitOrderRequest } from '../domain/broker-order.js';
import { checkBuyingPower } from '../domain/buying-power.js';
import { cancelOrder, checkSubmission, openOrder } from '../domain/fill-engine.js';
import { userAccount } from '../domain/ledger.js';
import { quoteAt } from '../domain/market-simulator.js';
import { checkOrderRequest } from '../domain/order-request.js';
import { findAccount, lockAccount } from './accounts-store.js';
import type { BrokerContext } from './broker-context.js';
import { balancesOf } from './ledger-store.js';
import { matchAndStore } from './match-and-store.js';
import { fillsOf, lockOrder, queueInsertOrder, reservedCash } from './orders-store.js';
import type { WriteTx } from '../../platform/transaction.js';

/**
 * Places an order in the caller's transaction, for the user `request.accountId` names (the
 * broker account is opened on first use). The account row is locked first, so orders of one
 * account queue there: a repeated client order id, however concurrent, finds the first order
 * and answers it (matched up to now) instead of filling again; the same id with other terms
 * is refused. A new order is validated, checked for buying power, stored, and matched against
 * the current step; its fills, ledger journals and state commit together.
 */
export async function placeOrder(
  tx: WriteTx,
  ctx: BrokerContext,
  request: SubmitOrderRequest,
): Promise<SubmitOrderResult> {
  const userId = request.accountId;
  // Round trip 1 (with BEGIN): the account lock first, so orders of one account queue there.
  const [account, step] = await Promise.all([lockAccount(tx, userId), ctx.clock.current(tx)]);
  const submit: SubmitOrderRequest = { ...request, accountId: account.accountId };
  // Round trip 2: the order if the id was used before, and what buying power needs.
  const buy = submit.side === 'buy';
  const [existing, balances, reserved] = await Promise.all([
    lockOrder(tx, account.accountId, request.clientOrderId),
    buy ? balancesOf(tx, userAccount(account.accountId)) : undefined,
    buy ? reservedCash(tx, account.accountId) : undefined,
  ]);
  if (existing) {
    if (checkSubmission(existing, submit).kind === 'conflict') {
      return {
        outcome: 'rejected',
        code: 'ALP_BROKER_CLIENT_ORDER_ID_REUSED',
        reason: `${request.clientOrderId} was used for an order with other terms`,
      };
    }
    return { outcome: 'duplicate', ...(await catchUp(tx, ctx, existing, step, userId)) };
  }
  const valid = checkOrderRequest(submit, ctx.instruments);
  if (!valid.ok) return { outcome: 'rejected', code: valid.code, reason: valid.reason };
  if (buy) {
    const cash = balances!.get(ctx.cashCurrency);
    const quote = quoteAt(ctx.market, submit.symbol, step, ctx.clock.timeOfStep(step));
    const power = checkBuyingPower({
      availableCash: formatDecimal(dec(cash ?? '0').minus(reserved!)),
      quantity: submit.quantity,
      referencePrice: submit.limitPrice ?? quote.ask,
      feeRateCentiBps: ctx.feeRateCentiBps,
      currency: valid.instrument.currency,
    });
    if (!power.ok) return { outcome: 'rejected', code: power.code, reason: power.reason };
  }
  const order = openOrder(submit, step);
  // Every write from here rides with the COMMIT.
  queueInsertOrder(tx, order);
  const matched = await matchAndStore(tx, ctx, order, step, null);
  return { outcome: 'accepted', order: matched.order, fills: matched.fills };
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
