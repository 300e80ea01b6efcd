import { dec } from '../../platform/decimal.js';
import { realizedToday, type DailyPnl } from './daily-pnl.js';
import type { Side, SymbolExposure } from './exposure.js';
import type { RiskLimits } from './limits.js';
import { ordersInWindow, type RateWindow } from './order-rate.js';

export const RISK_RULES = [
  'kill-switch',
  'restricted-symbol',
  'order-rate',
  'max-order-notional',
  'max-position',
  'daily-loss',
] as const;

export type RiskRule = (typeof RISK_RULES)[number];

/** Error code per rule, for problem+json and the RiskLimitBreached event. */
export const RISK_RULE_CODES: { readonly [R in RiskRule]: string } = {
  'kill-switch': 'ALP_RISK_KILL_SWITCH_ACTIVE',
  'restricted-symbol': 'ALP_RISK_SYMBOL_RESTRICTED',
  'order-rate': 'ALP_RISK_ORDER_RATE_EXCEEDED',
  'max-order-notional': 'ALP_RISK_ORDER_NOTIONAL_EXCEEDED',
  'max-position': 'ALP_RISK_POSITION_LIMIT_EXCEEDED',
  'daily-loss': 'ALP_RISK_DAILY_LOSS_REACHED',
};

export interface RiskOrder {
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: string;
  /** The limit price, or for a market order the current reference price (e.g. the ask for a buy). */
  readonly price: string;
}

export interface RiskContext {
  readonly limits: RiskLimits;
  readonly killSwitch: { readonly active: boolean; readonly reason: string | null };
  readonly exposure: SymbolExposure;
  readonly daily: DailyPnl | undefined;
  readonly rate: RateWindow;
  readonly nowMs: number;
}

/** A rule answers null when the order passes, or the reason it does not. */
export type RuleCheck = (order: RiskOrder, context: RiskContext) => string | null;

export const RULE_CHECKS: { readonly [R in RiskRule]: RuleCheck } = {
  'kill-switch': (_order, { killSwitch }) =>
    killSwitch.active ? `trading is halted: ${killSwitch.reason ?? 'kill switch engaged'}` : null,

  'restricted-symbol': (order, { limits }) =>
    limits.restrictedSymbols.includes(order.symbol) ? `${order.symbol} is restricted` : null,

  'order-rate': (_order, { limits, rate, nowMs }) => {
    const count = ordersInWindow(rate, nowMs);
    return count >= limits.maxOrdersPerMinute
      ? `${count} orders this minute; the limit is ${limits.maxOrdersPerMinute}`
      : null;
  },

  'max-order-notional': (order, { limits }) => {
    const notional = dec(order.quantity).times(order.price);
    return notional.gt(limits.maxOrderNotional)
      ? `order notional ${notional.toFixed()} exceeds ${limits.maxOrderNotional}`
      : null;
  },

  'max-position': (order, { limits, exposure }) => {
    // Worst case: every open order on the same side fills, then this one.
    const position = dec(exposure.position);
    const worst =
      order.side === 'buy'
        ? position.plus(exposure.openBuyQty).plus(order.quantity)
        : position.minus(exposure.openSellQty).minus(order.quantity);
    return worst.abs().gt(limits.maxPositionQty)
      ? `position in ${order.symbol} could reach ${worst.toFixed()}; the limit is ${limits.maxPositionQty}`
      : null;
  },

  'daily-loss': (_order, { limits, daily, nowMs }) => {
    const loss = dec(realizedToday(daily, nowMs)).negated();
    return loss.gte(limits.maxDailyLoss) && loss.gt(0)
      ? `realised loss today ${loss.toFixed()} has reached the limit ${limits.maxDailyLoss}`
      : null;
  },
};
