import type { BrokerAdapter, CancelOrderResult, SubmitOrderResult } from './broker-adapter.js';
import type { BrokerFill, BrokerOrder, SubmitOrderRequest } from './broker-order.js';
import { checkBuyingPower } from './buying-power.js';
import { dec, Dec } from '../../platform/decimal.js';
import { checkDepositAmount, type AmountCheck } from './deposit-amount.js';
import { cancelOrder, checkSubmission, matchOrder, openOrder } from './fill-engine.js';
import type { Instrument } from './instruments.js';
import {
  balanceOf,
  depositJournal,
  fillJournal,
  reconcile,
  userAccount,
  type Journal,
  type Reconciliation,
} from './ledger.js';
import type { MarketClock } from './market-clock.js';
import { quoteAt, type Quote, type SimulatedMarket } from './market-simulator.js';
import { checkOrderRequest } from './order-request.js';
import { settleAll, type Settled } from '../../platform/batcher.js';

export interface PaperBrokerOptions {
  readonly market: SimulatedMarket;
  readonly instruments: readonly Instrument[];
  readonly clock: MarketClock;
  /** 100 = 1 bp = 0.01 % of the notional (see feeFor). */
  readonly feeRateCentiBps: number;
  readonly cashCurrency: string;
}

export interface PaperAccount {
  readonly accountId: string;
  readonly currency: string;
  readonly cash: string;
  readonly holdings: readonly { readonly symbol: string; readonly quantity: string }[];
}

/**
 * The paper broker in memory: the domain pieces (simulator, fill engine, ledger) put
 * together behind BrokerAdapter. The broker service keeps the same logic with its state
 * in Postgres (rows locked per order); this one serves tests and anything that needs a
 * broker without a database. Working orders are matched up to the market clock at the
 * start of every call, so results depend only on the clock, never on call timing.
 */
export class PaperBroker implements BrokerAdapter {
  readonly name = 'paper';
  private readonly orders = new Map<string, BrokerOrder>();
  private readonly fillsByOrder = new Map<string, BrokerFill[]>();
  private readonly journalList: Journal[] = [];
  private readonly journalIds = new Set<string>();

  constructor(private readonly options: PaperBrokerOptions) {}

  async listInstruments(): Promise<readonly Instrument[]> {
    return this.options.instruments;
  }

  async getQuotes(symbols: readonly string[]): Promise<readonly Quote[]> {
    const step = this.options.clock.currentStep();
    const time = this.options.clock.timeOfStep(step);
    return symbols.map((s) => quoteAt(this.options.market, s, step, time));
  }

  /** In memory there is nothing to share between submissions: each in turn. */
  submitOrders(requests: readonly SubmitOrderRequest[]): Promise<Settled<SubmitOrderResult>[]> {
    return settleAll(requests.map((r) => this.submitOrder(r)));
  }

  async submitOrder(request: SubmitOrderRequest): Promise<SubmitOrderResult> {
    this.sync();
    const key = orderKey(request.accountId, request.clientOrderId);
    const seen = checkSubmission(this.orders.get(key), request);
    if (seen.kind === 'duplicate')
      return { outcome: 'duplicate', order: seen.order, fills: this.fillsOf(key) };
    if (seen.kind === 'conflict') {
      return {
        outcome: 'rejected',
        code: 'ALP_BROKER_CLIENT_ORDER_ID_REUSED',
        reason: `client order id ${request.clientOrderId} was used for other terms`,
      };
    }
    const valid = checkOrderRequest(request, this.options.instruments);
    if (!valid.ok) return { outcome: 'rejected', code: valid.code, reason: valid.reason };
    if (request.side === 'buy') {
      const [quote] = await this.getQuotes([request.symbol]);
      const power = checkBuyingPower({
        availableCash: this.availableCash(request.accountId),
        quantity: request.quantity,
        referencePrice: request.limitPrice ?? quote?.ask ?? '0',
        feeRateCentiBps: this.options.feeRateCentiBps,
        currency: valid.instrument.currency,
      });
      if (!power.ok) return { outcome: 'rejected', code: power.code, reason: power.reason };
    }
    const step = this.options.clock.currentStep();
    this.orders.set(key, openOrder(request, step));
    this.fillsByOrder.set(key, []);
    const fills = this.advance(key, step);
    return { outcome: 'accepted', order: this.orders.get(key) as BrokerOrder, fills };
  }

  async cancelOrder(accountId: string, clientOrderId: string): Promise<CancelOrderResult> {
    this.sync();
    const key = orderKey(accountId, clientOrderId);
    const order = this.orders.get(key);
    if (order === undefined) {
      return {
        outcome: 'rejected',
        code: 'ALP_BROKER_ORDER_NOT_FOUND',
        reason: `no order ${clientOrderId}`,
      };
    }
    const result = cancelOrder(order);
    this.orders.set(key, result.order);
    return { outcome: result.kind, order: result.order, fills: this.fillsOf(key) };
  }

  async getOrder(accountId: string, clientOrderId: string) {
    this.sync();
    const key = orderKey(accountId, clientOrderId);
    const order = this.orders.get(key);
    return order === undefined ? undefined : { order, fills: this.fillsOf(key) };
  }

  /** Paper money in; the id (per account) makes a retried deposit a no-op: a journal id is posted once. */
  deposit(accountId: string, depositId: string, amount: unknown): AmountCheck {
    const checked = checkDepositAmount(amount, this.options.cashCurrency);
    if (!checked.ok) return checked;
    const journalId = `deposit/${accountId}/${depositId}`;
    this.post(depositJournal(journalId, accountId, this.options.cashCurrency, checked.amount));
    return checked;
  }

  account(accountId: string): PaperAccount {
    this.sync();
    const user = userAccount(accountId);
    const lines = this.journalList.flatMap((j) => j.lines);
    const holdings = this.options.instruments
      .map((i) => ({ symbol: i.symbol, quantity: balanceOf(lines, user, i.symbol) }))
      .filter((h) => h.quantity !== '0');
    return {
      accountId,
      currency: this.options.cashCurrency,
      cash: balanceOf(lines, user, this.options.cashCurrency),
      holdings,
    };
  }

  journals(): readonly Journal[] {
    return this.journalList;
  }

  reconcile(): Reconciliation {
    this.sync();
    return reconcile(this.journalList);
  }

  /** Cash minus what working limit buys could still spend at their limit. */
  private availableCash(accountId: string): string {
    let reserved = new Dec(0);
    for (const o of this.orders.values()) {
      if (
        o.accountId === accountId &&
        o.side === 'buy' &&
        o.status === 'working' &&
        o.limitPrice !== null
      ) {
        reserved = reserved.plus(dec(o.quantity).minus(o.filledQty).times(o.limitPrice));
      }
    }
    return dec(this.account(accountId).cash).minus(reserved).toFixed();
  }

  private sync(): void {
    const step = this.options.clock.currentStep();
    for (const [key, order] of this.orders) if (order.status === 'working') this.advance(key, step);
  }

  private advance(key: string, step: number): BrokerFill[] {
    const order = this.orders.get(key) as BrokerOrder;
    const instrument = this.options.instruments.find(
      (i) => i.symbol === order.symbol,
    ) as Instrument;
    const clock = this.options.clock;
    const matched = matchOrder(order, step, {
      instrument,
      feeRateCentiBps: this.options.feeRateCentiBps,
      quoteAt: (s) => quoteAt(this.options.market, order.symbol, s, clock.timeOfStep(s)),
    });
    this.orders.set(key, matched.order);
    for (const fill of matched.fills) {
      this.post(fillJournal(fill));
      this.fillsByOrder.get(key)?.push(fill);
    }
    return [...matched.fills];
  }

  private post(journal: Journal): void {
    if (this.journalIds.has(journal.id)) return;
    this.journalIds.add(journal.id);
    this.journalList.push(journal);
  }

  private fillsOf(key: string): readonly BrokerFill[] {
    return [...(this.fillsByOrder.get(key) ?? [])];
  }
}

function orderKey(accountId: string, clientOrderId: string): string {
  return `${accountId}\u0000${clientOrderId}`;
}
