import type { BrokerFill, BrokerOrder, SubmitOrderRequest } from './broker-order.js';
import type { Instrument } from './instruments.js';
import type { Quote } from './market-simulator.js';
import type { BrokerDomainErrorCode } from './order-request.js';
import type { Settled } from '../../platform/batcher.js';

export type SubmitOrderResult =
  | {
      /** `duplicate`: the client order id was seen with the same terms; nothing new was filled. */
      readonly outcome: 'accepted' | 'duplicate';
      readonly order: BrokerOrder;
      /** Every fill of the order so far (new ones, or all of them for a duplicate). */
      readonly fills: readonly BrokerFill[];
    }
  | { readonly outcome: 'rejected'; readonly code: BrokerDomainErrorCode; readonly reason: string };

export type CancelOrderResult =
  | {
      readonly outcome: 'canceled' | 'already-canceled' | 'too-late';
      readonly order: BrokerOrder;
      readonly fills: readonly BrokerFill[];
    }
  | { readonly outcome: 'rejected'; readonly code: BrokerDomainErrorCode; readonly reason: string };

/**
 * Where a broker plugs in. The paper broker is the first implementation; a real
 * connector (an exchange or brokerage API) implements the same six calls. Contract:
 * submitOrder is idempotent on (accountId, clientOrderId) and never fills an order twice;
 * exec ids are stable, so a caller may apply the same fills again without harm.
 * submitOrders settles several submissions, each exactly as submitOrder would (a connector
 * without a batch API submits them one by one); one failing submission fails alone.
 */
export interface BrokerAdapter {
  readonly name: string;
  listInstruments(): Promise<readonly Instrument[]>;
  getQuotes(symbols: readonly string[]): Promise<readonly Quote[]>;
  submitOrder(request: SubmitOrderRequest): Promise<SubmitOrderResult>;
  submitOrders(requests: readonly SubmitOrderRequest[]): Promise<Settled<SubmitOrderResult>[]>;
  cancelOrder(accountId: string, clientOrderId: string): Promise<CancelOrderResult>;
  getOrder(
    accountId: string,
    clientOrderId: string,
  ): Promise<{ readonly order: BrokerOrder; readonly fills: readonly BrokerFill[] } | undefined>;
}
