/** A candle as the broker serves it (GET /api/v1/market/candles/:symbol). */
export interface ServedCandle {
  readonly startStep: number;
  readonly openTime: string;
  readonly close: string;
  readonly complete: boolean;
}

/** Which candles a backtest runs over: a fixed time range, or the latest finished ones. */
export type CandleRange =
  { readonly from: string; readonly to: string } | { readonly limit: number };

export type CandleWindow =
  | {
      readonly ok: true;
      readonly candles: readonly ServedCandle[];
      /** Open time of the first candle and close time of the last: the range to replay. */
      readonly from: string;
      readonly to: string;
    }
  | { readonly ok: false; readonly reason: 'history-unavailable'; readonly earliest: string }
  | { readonly ok: false; readonly reason: 'not-finished'; readonly finishedUntil: string }
  | { readonly ok: false; readonly reason: 'empty' };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Picks the finished candles a backtest uses from what the broker served (the newest
 * candles up to its current step). A {from, to} range takes the candles lying wholly inside
 * it, and is refused unless the answer is fixed for good: `to` must not be later than the
 * end of the last finished candle, and `from` must not be earlier than the oldest served
 * candle (unless that is the market's first). So the same range always gives the same
 * candles. {limit} takes the newest finished candles and reports the range they cover.
 */
export function candleWindow(
  served: readonly ServedCandle[],
  range: CandleRange,
  candleMs: number,
): CandleWindow {
  const finished = served.filter((c) => c.complete);
  const endOf = (c: ServedCandle) => Date.parse(c.openTime) + candleMs;
  let picked: readonly ServedCandle[];
  if ('limit' in range) {
    picked = finished.slice(-range.limit);
  } else {
    const from = Date.parse(range.from);
    const to = Date.parse(range.to);
    const last = finished.at(-1);
    const finishedUntil = last ? endOf(last) : Number.NEGATIVE_INFINITY;
    if (to > finishedUntil) {
      return {
        ok: false,
        reason: 'not-finished',
        finishedUntil: last ? iso(finishedUntil) : 'no finished candle yet',
      };
    }
    const first = served[0];
    if (first && first.startStep > 0 && from < Date.parse(first.openTime)) {
      return { ok: false, reason: 'history-unavailable', earliest: first.openTime };
    }
    picked = finished.filter((c) => Date.parse(c.openTime) >= from && endOf(c) <= to);
  }
  if (picked.length === 0) return { ok: false, reason: 'empty' };
  return { ok: true, candles: picked, from: picked[0]!.openTime, to: iso(endOf(picked.at(-1)!)) };
}
