import { dec, Dec, divideRounded, formatDecimal } from '../../platform/decimal.js';

export type Side = 'buy' | 'sell';

/**
 * What a user holds and has asked for in one symbol. Open (approved, not yet filled)
 * quantities count against the position limit so that concurrent orders cannot jointly
 * exceed it. `costBasis` is signed like `position` (average-cost method, as in trading)
 * and only serves to compute realised P&L for the daily loss rule.
 */
export interface SymbolExposure {
  readonly symbol: string;
  readonly position: string;
  readonly costBasis: string;
  readonly openBuyQty: string;
  readonly openSellQty: string;
}

export function emptyExposure(symbol: string): SymbolExposure {
  return { symbol, position: '0', costBasis: '0', openBuyQty: '0', openSellQty: '0' };
}

/** After an order is approved: its quantity is open until filled or released. */
export function reserveOrder(
  exposure: SymbolExposure,
  side: Side,
  quantity: string,
): SymbolExposure {
  const field = side === 'buy' ? 'openBuyQty' : 'openSellQty';
  return { ...exposure, [field]: formatDecimal(dec(exposure[field]).plus(quantity)) };
}

/** After an order ends without filling all of it (canceled, rejected, expired). */
export function releaseOrder(
  exposure: SymbolExposure,
  side: Side,
  quantity: string,
): SymbolExposure {
  const field = side === 'buy' ? 'openBuyQty' : 'openSellQty';
  // Never below zero: a release for an order reserved before a restart must not go negative.
  return { ...exposure, [field]: formatDecimal(Dec.max(0, dec(exposure[field]).minus(quantity))) };
}

/**
 * A fill moves quantity from open to position and returns the P&L it realised
 * (closing against the average cost, rounded exactly as trading's positions do; exact on a
 * round trip to flat).
 */
export function applyFillToExposure(
  exposure: SymbolExposure,
  fill: { readonly side: Side; readonly quantity: string; readonly price: string },
): { readonly exposure: SymbolExposure; readonly realizedPnl: string } {
  const direction = fill.side === 'buy' ? 1 : -1;
  const price = dec(fill.price);
  let remaining = dec(fill.quantity);
  let position = dec(exposure.position);
  let cost = dec(exposure.costBasis);
  let realized = new Dec(0);
  if (!position.isZero() && position.s !== direction) {
    const held = position.abs();
    const closing = Dec.min(remaining, held);
    const removed = closing.eq(held) ? cost : divideRounded(cost.times(closing), held, 18);
    realized = closing.times(price).times(position.s).minus(removed);
    cost = cost.minus(removed);
    position = position.plus(closing.times(direction));
    remaining = remaining.minus(closing);
  }
  if (remaining.gt(0)) {
    position = position.plus(remaining.times(direction));
    cost = cost.plus(remaining.times(price).times(direction));
  }
  const released = releaseOrder(exposure, fill.side, fill.quantity);
  return {
    exposure: { ...released, position: formatDecimal(position), costBasis: formatDecimal(cost) },
    realizedPnl: formatDecimal(realized),
  };
}
