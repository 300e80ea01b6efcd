import type pg from 'pg';
import type {
  BrokerAdapter,
  CancelOrderResult,
  SubmitOrderResult,
} from '../domain/broker-adapter.js';
import type { BrokerFill, BrokerOrder, SubmitOrderRequest } from '../domain/broker-order.js';
import type { Instrument } from '../domain/instruments.js';
import { quoteAt, type Quote } from '../domain/market-simulator.js';
import type { BrokerContext } from './broker-context.js';
import { cancelPlacedOrder, getPlacedOrder, placeOrder, placeOrders } from './order-commands.js';
import type { Transaction } from '../../platform/transaction.js';
import { inTransactionNotingEvents } from '../../platform/events/index.js';
import { settleEachInTurn, settledValue, type Settled } from '../../platform/batcher.js';

/**
 * The paper broker with its state in Postgres: what the service's routes call. It implements
 * the same BrokerAdapter as a real connector would; its `accountId` is the platform user id
 * (the broker account behind it is opened on first use). Each call is one transaction.
 */
export class PostgresPaperBroker implements BrokerAdapter {
  readonly name = 'paper-postgres';

  constructor(
    private readonly pool: pg.Pool,
    private readonly ctx: BrokerContext,
    /** Called after a transaction that wrote events to the outbox commits (nudge the relay). */
    private readonly onEvents: () => void = () => {},
  ) {}

  /** One transaction; the relay hears of it only when it wrote events (most orders do not). */
  private inTx<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inTransactionNotingEvents(this.pool, work, this.onEvents);
  }

  async listInstruments(): Promise<readonly Instrument[]> {
    return this.ctx.instruments;
  }

  async getQuotes(symbols: readonly string[]): Promise<readonly Quote[]> {
    const step = await this.ctx.clock.current(this.pool);
    const time = this.ctx.clock.timeOfStep(step);
    return symbols.map((s) => quoteAt(this.ctx.market, s, step, time));
  }

  submitOrder(request: SubmitOrderRequest): Promise<SubmitOrderResult> {
    return this.inTx((tx) => placeOrder(tx, this.ctx, request));
  }

  /**
   * Several orders in one transaction, in three round trips (placeOrders): every order is
   * decided exactly as it would be alone, in the order given (buying power sees the fills of
   * the account's earlier orders), and concurrent batches lock accounts in the same order. If the
   * transaction fails, the orders are submitted again one at a time, in order, so one bad order
   * fails alone.
   */
  async submitOrders(
    requests: readonly SubmitOrderRequest[],
  ): Promise<Settled<SubmitOrderResult>[]> {
    const alone = () => settleEachInTurn(requests, (r) => this.submitOrder(r));
    if (requests.length === 1) return alone();
    try {
      const results = await this.inTx((tx) => placeOrders(tx, this.ctx, requests));
      return results.map(settledValue);
    } catch {
      return alone();
    }
  }

  cancelOrder(accountId: string, clientOrderId: string): Promise<CancelOrderResult> {
    return this.inTx((tx) => cancelPlacedOrder(tx, this.ctx, accountId, clientOrderId));
  }

  getOrder(
    accountId: string,
    clientOrderId: string,
  ): Promise<{ readonly order: BrokerOrder; readonly fills: readonly BrokerFill[] } | undefined> {
    return this.inTx((tx) => getPlacedOrder(tx, this.ctx, accountId, clientOrderId));
  }
}
