import { Dec, formatDecimal } from '../../../platform/decimal.js';
import { BACKTEST_INTERVALS, type BacktestInterval } from '../backtest/backtest-request.js';
import { signalRule } from '../backtest/run-backtest.js';
import { affordableQuantity, floorToLot, type Lots } from '../backtest/sizing.js';
import type { StrategyDefinition } from '../validate-strategy.js';

/** The broker candles a live strategy is evaluated on: its timeframe (DCA: its interval). */
export function liveInterval(definition: StrategyDefinition): BacktestInterval | undefined {
  const p = definition.parameters;
  if (definition.type === 'dca') {
    // The broker serves no weekly candles: a weekly DCA buys every 7th daily candle.
    const interval = p.interval === '1w' ? '1d' : p.interval;
    return Object.hasOwn(BACKTEST_INTERVALS, String(interval))
      ? (interval as BacktestInterval)
      : undefined;
  }
  return Object.hasOwn(BACKTEST_INTERVALS, String(p.timeframe))
    ? (p.timeframe as BacktestInterval)
    : undefined;
}

export interface LiveInput {
  readonly definition: StrategyDefinition;
  /** Closes of the finished candles up to and including the evaluated one, oldest first. */
  readonly closes: readonly string[];
  /** Candles between the strategy's first evaluated candle and this one (DCA counts from it). */
  readonly sinceFirst: number;
  readonly candleMs: number;
  /** The strategy's position: what its orders filled, buys minus sells. */
  readonly position: string;
  /** The instrument's lot size at the broker. */
  readonly lotSize: string;
}

export type LiveDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'order'; readonly side: 'buy' | 'sell'; readonly quantity: string }
  | { readonly kind: 'skipped'; readonly side: 'buy' | 'sell'; readonly reason: string };

const NONE: LiveDecision = { kind: 'none' };

/**
 * What a live strategy does at the close of its newest finished candle: the signal comes
 * from the backtest's own rule (signalRule), sized as the backtest sizes it where live
 * trading can: DCA buys `amount` of quote currency (whole lots, up to maxPosition);
 * crossover and momentum buy maxPosition when flat (live, the strategy has no cash of its
 * own to go all in with, so without maxPosition a buy is skipped) and sell the whole
 * position. Long only, as in the backtest.
 */
export function liveDecision(input: LiveInput): LiveDecision {
  const { definition } = input;
  const p = definition.parameters;
  const closes = input.closes.map((c) => new Dec(c));
  const i = closes.length - 1;
  if (i < 0) return NONE;
  const rule = signalRule(definition, input.candleMs);
  const signal = rule(closes, definition.type === 'dca' ? input.sinceFirst : i);
  if (signal === undefined) return NONE;
  const lots: Lots = { lotSize: new Dec(input.lotSize), cashScale: 2 };
  const position = new Dec(input.position);
  const cap = p.maxPosition === undefined ? undefined : new Dec(p.maxPosition as string);
  const price = closes[i]!;
  if (signal === 'sell') {
    if (!position.gt(0)) return NONE;
    return { kind: 'order', side: 'sell', quantity: formatDecimal(position) };
  }
  if (definition.type === 'dca') {
    const room = cap === undefined ? undefined : cap.minus(position);
    const q = affordableQuantity(new Dec(p.amount as string), price, new Dec(0), lots, room);
    if (q.gt(0)) return { kind: 'order', side: 'buy', quantity: formatDecimal(q) };
    return {
      kind: 'skipped',
      side: 'buy',
      reason:
        room !== undefined && !room.gt(0)
          ? 'the position is at maxPosition'
          : `amount ${String(p.amount)} buys less than one lot at ${formatDecimal(price)}`,
    };
  }
  if (!position.isZero()) return NONE;
  if (cap === undefined) {
    return { kind: 'skipped', side: 'buy', reason: 'a live buy is sized by maxPosition' };
  }
  const q = floorToLot(cap, lots);
  if (q.gt(0)) return { kind: 'order', side: 'buy', quantity: formatDecimal(q) };
  return { kind: 'skipped', side: 'buy', reason: 'maxPosition is less than one lot' };
}

/** Most candles a strategy catches up on after an outage; older ones are passed over. */
export const MAX_CATCH_UP = 3;

/** Finished candles a live evaluation loads: the rule's history plus the catch-up. */
export function candlesNeeded(definition: StrategyDefinition): number {
  const p = definition.parameters;
  const history =
    definition.type === 'sma-crossover'
      ? (p.slow as number) + 1
      : definition.type === 'momentum'
        ? (p.lookback as number) + 1
        : 1;
  return Math.min(500, history + MAX_CATCH_UP + 1);
}

/** A finished candle as the evaluator sees it. */
export interface LiveCandle {
  readonly openTime: string;
  readonly close: string;
}

/**
 * The finished candles still to evaluate, oldest first: those that closed after the
 * activation and after the last evaluated one, at most MAX_CATCH_UP of the newest.
 */
export function dueCandles(
  finished: readonly LiveCandle[],
  candleMs: number,
  activatedAt: Date,
  lastEvaluated: Date | null,
): LiveCandle[] {
  const due = finished.filter((c) => {
    const open = Date.parse(c.openTime);
    return (
      open + candleMs > activatedAt.getTime() &&
      (lastEvaluated === null || open > lastEvaluated.getTime())
    );
  });
  return due.slice(-MAX_CATCH_UP);
}
