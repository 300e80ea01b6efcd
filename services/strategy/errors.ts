import { defineErrors } from '../platform/index.js';

/** The strategy service's error registry (codes are part of the public API). */
export const strategyErrors = defineErrors({
  ALP_STRATEGY_TYPE_UNKNOWN: { status: 400, message: 'unknown strategy type %s' },
  ALP_STRATEGY_PARAMETERS_INVALID: {
    status: 400,
    message: 'parameters of %s are invalid: %s',
  },
  // Also the answer for another user's strategy: 404, never 403, so ids cannot be probed.
  ALP_STRATEGY_NOT_FOUND: { status: 404, message: 'no such strategy' },
  ALP_STRATEGY_BACKTEST_INVALID: { status: 400, message: 'the backtest request is invalid: %s' },
  // Another user's run, or a run of another strategy, is not found either.
  ALP_STRATEGY_BACKTEST_NOT_FOUND: { status: 404, message: 'no such backtest' },
  ALP_STRATEGY_BACKTEST_SYMBOL_UNKNOWN: {
    status: 422,
    message: 'the market has no instrument %s',
  },
  // The range reaches past the last finished candle: its result could still change.
  ALP_STRATEGY_BACKTEST_RANGE_NOT_FINISHED: {
    status: 422,
    message: 'the range ends after the last finished candle (%s)',
  },
  // The broker serves a bounded number of the newest candles; older ones cannot be replayed.
  ALP_STRATEGY_BACKTEST_HISTORY_UNAVAILABLE: {
    status: 422,
    message: 'candles before %s are not available at this interval',
  },
  ALP_STRATEGY_BACKTEST_NO_CANDLES: {
    status: 422,
    message: 'no finished candle lies within the range',
  },
});
