import type { Decimal } from 'decimal.js';
import { Dec, formatDecimal } from '../../../platform/decimal.js';
import type { StrategyDefinition } from '../validate-strategy.js';
import { dcaSignal, momentumSignal, smaCrossoverSignal, type Signal } from './signals.js';
import { affordableQuantity, feeOn, type Lots } from './sizing.js';

/** A finished candle, oldest first; only its open time and close price matter here. */
export interface BacktestCandle {
  readonly openTime: string;
  readonly close: string;
}

export interface BacktestInput {
  readonly definition: StrategyDefinition;
  readonly candles: readonly BacktestCandle[];
  /** Width of one candle in milliseconds. */
  readonly candleMs: number;
  readonly initialCash: string;
  /** Fee per trade as a fraction of the notional ("0.001" = 0.1 %). */
  readonly feeRate: string;
  readonly lotSize: string;
  readonly cashScale: number;
}

export interface BacktestTrade {
  /** Close time of the candle whose close price the trade was made at. */
  readonly time: string;
  readonly side: 'buy' | 'sell';
  /** `signal`: the strategy's rule; `end-of-test`: the open position is closed at the last close. */
  readonly reason: 'signal' | 'end-of-test';
  readonly price: string;
  readonly quantity: string;
  readonly notional: string;
  readonly fee: string;
  /** Sells only (every sell closes the whole position): proceeds - fee - cost of the position. */
  readonly realizedPnl: string | null;
  /** Cash and position after the trade. */
  readonly cash: string;
  readonly position: string;
}

export interface BacktestMetrics {
  readonly trades: number;
  /** Sells, each closing the whole position (a round trip). */
  readonly roundTrips: number;
  readonly winningTrades: number;
  /** Cash at the end; the position is closed at the last close, so this is all there is. */
  readonly finalEquity: string;
  /** Sum of the sells' realised P&L (= finalEquity - initialCash). */
  readonly realizedPnl: string;
  readonly fees: string;
  /** (finalEquity - initialCash) / initialCash, 8 decimals, half-even. */
  readonly totalReturn: string;
  /** Largest fall of mark-to-market equity from its running peak, as a fraction, 8 decimals. */
  readonly maxDrawdown: string;
  /** winningTrades / roundTrips, 8 decimals; null without a round trip. */
  readonly winRate: string | null;
}

export interface BacktestResult {
  readonly metrics: BacktestMetrics;
  readonly trades: readonly BacktestTrade[];
}

/** Fractional digits of ratios (returns, drawdown, win rate). */
export const RATIO_SCALE = 8;

export const DCA_INTERVAL_MS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
};

function ratio(numerator: Decimal, denominator: Decimal): string {
  const r = numerator.div(denominator).toDecimalPlaces(RATIO_SCALE, Dec.ROUND_HALF_EVEN);
  return r.isZero() ? '0' : formatDecimal(r);
}

/** The strategy's signal at candle `i` of `closes` (oldest first). */
export type SignalRule = (closes: readonly Decimal[], i: number) => Signal;

/**
 * The rule of a strategy over candles `candleMs` wide: the backtest and the live evaluator
 * decide with the same one. DCA buys at candle 0 and then once per interval (at least once
 * per candle when its interval is shorter than a candle).
 */
export function signalRule(definition: StrategyDefinition, candleMs: number): SignalRule {
  const p = definition.parameters;
  switch (definition.type) {
    case 'sma-crossover':
      return (closes, i) => smaCrossoverSignal(closes, i, p.fast as number, p.slow as number);
    case 'momentum': {
      const threshold = new Dec(p.threshold as string);
      return (closes, i) => momentumSignal(closes, i, p.lookback as number, threshold);
    }
    case 'dca': {
      const every = Math.max(1, Math.floor(DCA_INTERVAL_MS[p.interval as string]! / candleMs));
      return (_closes, i) => dcaSignal(i, every);
    }
  }
}

/**
 * Replays a strategy over finished candles, trading at each candle's close, long only.
 * Crossover and momentum buy (when flat) as much as cash and maxPosition allow and sell the
 * whole position; DCA buys `amount` of quote currency at every interval and never sells.
 * Whatever is still held after the last candle is sold at its close, so the final equity is
 * the initial cash plus the realised P&L. Pure and exact: decimal arithmetic only, ratios
 * rounded once; the same input always gives the same result.
 */
export function runBacktest(input: BacktestInput): BacktestResult {
  const lots: Lots = { lotSize: new Dec(input.lotSize), cashScale: input.cashScale };
  const feeRate = new Dec(input.feeRate);
  const initialCash = new Dec(input.initialCash);
  const params = input.definition.parameters;
  const cap = params.maxPosition === undefined ? undefined : new Dec(params.maxPosition as string);
  const dcaAmount = input.definition.type === 'dca' ? new Dec(params.amount as string) : undefined;
  const rule = signalRule(input.definition, input.candleMs);
  const closes = input.candles.map((c) => new Dec(c.close));

  let cash = initialCash;
  let position = new Dec(0);
  let positionCost = new Dec(0);
  let fees = new Dec(0);
  let realized = new Dec(0);
  let peak = initialCash;
  let maxDrawdown = new Dec(0);
  let winning = 0;
  let roundTrips = 0;
  const trades: BacktestTrade[] = [];

  const record = (i: number, side: 'buy' | 'sell', reason: BacktestTrade['reason'], q: Decimal) => {
    const price = closes[i]!;
    const notional = price.times(q);
    const fee = feeOn(notional, feeRate, lots);
    fees = fees.plus(fee);
    let pnl: Decimal | undefined;
    if (side === 'buy') {
      cash = cash.minus(notional).minus(fee);
      position = position.plus(q);
      positionCost = positionCost.plus(notional).plus(fee);
    } else {
      cash = cash.plus(notional).minus(fee);
      pnl = notional.minus(fee).minus(positionCost);
      realized = realized.plus(pnl);
      roundTrips += 1;
      if (pnl.gt(0)) winning += 1;
      position = new Dec(0);
      positionCost = new Dec(0);
    }
    trades.push({
      time: new Date(Date.parse(input.candles[i]!.openTime) + input.candleMs).toISOString(),
      side,
      reason,
      price: formatDecimal(price),
      quantity: formatDecimal(q),
      notional: formatDecimal(notional),
      fee: formatDecimal(fee),
      realizedPnl: pnl === undefined ? null : formatDecimal(pnl),
      cash: formatDecimal(cash),
      position: formatDecimal(position),
    });
  };
  const markToMarket = (price: Decimal) => {
    const equity = cash.plus(position.times(price));
    if (equity.gt(peak)) peak = equity;
    const drawdown = peak.minus(equity).div(peak);
    if (drawdown.gt(maxDrawdown)) maxDrawdown = drawdown;
  };

  for (let i = 0; i < closes.length; i += 1) {
    const price = closes[i]!;
    const signal = rule(closes, i);
    if (signal === 'buy' && dcaAmount !== undefined) {
      const room = cap === undefined ? undefined : cap.minus(position);
      const budget = Dec.min(dcaAmount, cash);
      const q = affordableQuantity(budget, price, feeRate, lots, room);
      if (q.gt(0)) record(i, 'buy', 'signal', q);
    } else if (signal === 'buy' && position.isZero()) {
      const q = affordableQuantity(cash, price, feeRate, lots, cap);
      if (q.gt(0)) record(i, 'buy', 'signal', q);
    } else if (signal === 'sell' && position.gt(0)) {
      record(i, 'sell', 'signal', position);
    }
    markToMarket(price);
  }
  if (position.gt(0)) {
    const last = closes.length - 1;
    record(last, 'sell', 'end-of-test', position);
    markToMarket(closes[last]!);
  }

  return {
    metrics: {
      trades: trades.length,
      roundTrips,
      winningTrades: winning,
      finalEquity: formatDecimal(cash),
      realizedPnl: formatDecimal(realized),
      fees: formatDecimal(fees),
      totalReturn: ratio(cash.minus(initialCash), initialCash),
      maxDrawdown: ratio(maxDrawdown, new Dec(1)),
      winRate: roundTrips === 0 ? null : ratio(new Dec(winning), new Dec(roundTrips)),
    },
    trades,
  };
}
