import type { Decimal } from 'decimal.js';
import { Dec } from '../../../platform/decimal.js';

/** What a strategy wants at the close of one candle: buy, sell its position, or nothing. */
export type Signal = 'buy' | 'sell' | undefined;

/** Sum of `period` closes ending at `end` (inclusive). */
function windowSum(closes: readonly Decimal[], end: number, period: number): Decimal {
  let sum = new Dec(0);
  for (let i = end - period + 1; i <= end; i += 1) sum = sum.plus(closes[i]!);
  return sum;
}

/**
 * Sign of SMA(fast) - SMA(slow) at `end`, compared without dividing:
 * sumFast / fast > sumSlow / slow  <=>  sumFast × slow > sumSlow × fast.
 */
function smaSpreadSign(closes: readonly Decimal[], end: number, fast: number, slow: number) {
  return windowSum(closes, end, fast)
    .times(slow)
    .cmp(windowSum(closes, end, slow).times(fast));
}

/**
 * SMA crossover at candle `i`: buy when the fast average crosses above the slow one (it was
 * at or below it one candle earlier), sell when it crosses below. Needs slow + 1 closes.
 */
export function smaCrossoverSignal(
  closes: readonly Decimal[],
  i: number,
  fast: number,
  slow: number,
): Signal {
  if (i < slow) return undefined;
  const now = smaSpreadSign(closes, i, fast, slow);
  const before = smaSpreadSign(closes, i - 1, fast, slow);
  if (now > 0 && before <= 0) return 'buy';
  if (now < 0 && before >= 0) return 'sell';
  return undefined;
}

/**
 * Momentum at candle `i`: the return over `lookback` candles, close[i] / close[i - lookback] - 1,
 * compared with ±threshold without dividing: buy above +threshold, sell below -threshold.
 */
export function momentumSignal(
  closes: readonly Decimal[],
  i: number,
  lookback: number,
  threshold: Decimal,
): Signal {
  if (i < lookback) return undefined;
  const base = closes[i - lookback]!;
  const close = closes[i]!;
  if (close.gt(base.times(threshold.plus(1)))) return 'buy';
  if (close.lt(base.times(new Dec(1).minus(threshold)))) return 'sell';
  return undefined;
}

/** DCA buys at the first candle and then every `every` candles, whatever the price. */
export function dcaSignal(i: number, every: number): Signal {
  return i % every === 0 ? 'buy' : undefined;
}
