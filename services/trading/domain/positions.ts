import { Dec, dec, divideRounded, formatDecimal, STORAGE_SCALE } from '../../platform/decimal.js';
import type { OrderSide } from './order-types.js';

/**
 * A position in one symbol, average-cost method. `quantity` is signed (short < 0) and
 * `costBasis` carries the same sign: what the open quantity cost (long) or brought in
 * (short). Keeping the cost basis instead of the average makes the books exact:
 * realizedPnl - costBasis always equals Σ sell notional - Σ buy notional, to the last
 * digit, and a round trip to flat realises exactly proceeds minus cost.
 */
export interface Position {
  readonly symbol: string;
  readonly quantity: string;
  readonly costBasis: string;
  /** |costBasis| / |quantity| rounded half-even to 18 places; null when flat. */
  readonly avgCost: string | null;
  readonly realizedPnl: string;
}

export interface PositionFill {
  readonly side: OrderSide;
  readonly quantity: string;
  readonly price: string;
}

export function flatPosition(symbol: string): Position {
  return { symbol, quantity: '0', costBasis: '0', avgCost: null, realizedPnl: '0' };
}

export function applyFillToPosition(position: Position, fill: PositionFill): Position {
  const fillQty = dec(fill.quantity);
  const price = dec(fill.price);
  if (!fillQty.gt(0) || !price.gt(0))
    throw new RangeError('a fill needs a positive quantity and price');
  const direction = fill.side === 'buy' ? 1 : -1;
  let quantity = dec(position.quantity);
  let cost = dec(position.costBasis);
  let realized = dec(position.realizedPnl);
  let remaining = fillQty;

  // The part of the fill that reduces an open position in the other direction.
  if (!quantity.isZero() && quantity.s !== direction) {
    const held = quantity.abs();
    const closing = Dec.min(remaining, held);
    // The whole position closing removes the whole cost basis: no rounding on a round trip.
    const removedCost = closing.eq(held)
      ? cost
      : divideRounded(cost.times(closing), held, STORAGE_SCALE);
    realized = realized.plus(closing.times(price).times(quantity.s)).minus(removedCost);
    cost = cost.minus(removedCost);
    quantity = quantity.plus(closing.times(direction));
    remaining = remaining.minus(closing);
  }
  // The rest opens or extends a position in the fill's direction.
  if (remaining.gt(0)) {
    quantity = quantity.plus(remaining.times(direction));
    cost = cost.plus(remaining.times(price).times(direction));
  }
  return {
    symbol: position.symbol,
    quantity: formatDecimal(quantity),
    costBasis: formatDecimal(cost),
    avgCost: quantity.isZero()
      ? null
      : formatDecimal(divideRounded(cost.abs(), quantity.abs(), STORAGE_SCALE)),
    realizedPnl: formatDecimal(realized),
  };
}
