/** FIX-style order states (OrdStatus). */
export const ORDER_STATUSES = [
  'PendingNew',
  'New',
  'PartiallyFilled',
  'Filled',
  'PendingCancel',
  'Canceled',
  'Rejected',
  'Expired',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';

/**
 * The part of an order the state machine owns. All quantities and prices are canonical
 * decimal strings (see formatDecimal) so that a state round-trips through JSON and
 * Postgres `numeric` unchanged.
 */
export interface OrderState {
  readonly status: OrderStatus;
  readonly quantity: string;
  readonly cumQty: string;
  readonly leavesQty: string;
  /** Σ fill quantity × fill price, exact (no rounding ever). */
  readonly cumNotional: string;
  /** cumNotional / cumQty rounded half-even to 18 places; null before the first fill. */
  readonly avgPx: string | null;
  /** Exec ids already applied, in arrival order; a repeated id is ignored. */
  readonly execIds: readonly string[];
  readonly reason: string | null;
}

/** What the broker (or trading itself, for a cancel request) reports about an order. */
export type ExecutionReport =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'rejected'; readonly reason: string }
  | {
      readonly kind: 'fill';
      readonly execId: string;
      readonly quantity: string;
      readonly price: string;
    }
  | { readonly kind: 'cancel-requested' }
  | { readonly kind: 'canceled'; readonly reason?: string }
  | { readonly kind: 'cancel-rejected'; readonly reason: string }
  | { readonly kind: 'expired' };
