export type Side = 'buy' | 'sell';
export type BrokerOrderType = 'market' | 'limit';
export type BrokerOrderStatus = 'working' | 'filled' | 'canceled';

/** What a client sends to the broker; the client order id is trading's idempotency key. */
export interface SubmitOrderRequest {
  readonly accountId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: BrokerOrderType;
  readonly quantity: string;
  /** Required for limit orders, absent for market orders. */
  readonly limitPrice?: string;
}

/** The broker's record of an order (one row of broker_orders). */
export interface BrokerOrder {
  readonly accountId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: BrokerOrderType;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly status: BrokerOrderStatus;
  readonly filledQty: string;
  /** Steps up to and including this one have been matched already. */
  readonly matchedThroughStep: number;
  readonly fillCount: number;
}

export interface BrokerFill {
  /** `<accountId>/<clientOrderId>/<n>`: deterministic, so a re-sent report carries the same id. */
  readonly execId: string;
  readonly accountId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
  readonly currency: string;
  readonly step: number;
}
