import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { decimalRangeProblems } from '../decimal-range.js';
import { canonicalDecimal, DecimalString, MarketSymbol } from '../parameter-kinds.js';
import { schemaProblems, type ParameterProblem } from '../parameter-problems.js';
import type { StrategyDefinition } from '../validate-strategy.js';
import type { CandleRange } from './candle-window.js';

/** Candle widths the broker serves that a backtest may use, in milliseconds. */
export const BACKTEST_INTERVALS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
} as const;
export type BacktestInterval = keyof typeof BACKTEST_INTERVALS;

/** The most candles one backtest may ask the broker for (the broker's own cap). */
export const MAX_BACKTEST_CANDLES = 500;

const UTC_TIME = {
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$',
  errorMessage: 'Expected a UTC time such as "2026-03-01T00:00:00Z"',
};

export const backtestRequestSchema = Type.Object(
  {
    symbol: Type.Optional(MarketSymbol),
    interval: Type.Optional(
      Type.Union(
        Object.keys(BACKTEST_INTERVALS).map((i) => Type.Literal(i)),
        { description: "Candle width (default: the strategy's timeframe; 1h for DCA)" },
      ),
    ),
    from: Type.Optional(Type.String(UTC_TIME)),
    to: Type.Optional(Type.String(UTC_TIME)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BACKTEST_CANDLES })),
    initialCash: DecimalString('Cash the backtest starts with; > 0'),
    feeRate: Type.Optional(DecimalString('Fee per trade as a fraction of the notional; < 0.1')),
  },
  { additionalProperties: false },
);

/** A backtest request with the strategy's defaults applied and decimals canonical. */
export interface BacktestRequest {
  readonly symbol: string;
  readonly interval: BacktestInterval;
  readonly range: CandleRange;
  readonly initialCash: string;
  readonly feeRate: string;
}

export type BacktestRequestValidation =
  | { readonly valid: true; readonly request: BacktestRequest }
  | { readonly valid: false; readonly problems: readonly ParameterProblem[] };

function isInterval(value: unknown): value is BacktestInterval {
  return typeof value === 'string' && Object.hasOwn(BACKTEST_INTERVALS, value);
}

function rangeProblems(body: Record<string, unknown>): ParameterProblem[] {
  const { from, to, limit } = body;
  if (limit !== undefined && (from !== undefined || to !== undefined)) {
    return [{ path: '/limit', message: 'Expected either limit or from and to, not both' }];
  }
  if (limit !== undefined) return [];
  if (from === undefined && to === undefined) {
    return [{ path: '/', message: 'Expected from and to, or limit' }];
  }
  if (from === undefined) return [{ path: '/from', message: 'Expected from together with to' }];
  if (to === undefined) return [{ path: '/to', message: 'Expected to together with from' }];
  const [f, t] = [Date.parse(String(from)), Date.parse(String(to))];
  const problems: ParameterProblem[] = [];
  if (typeof from === 'string' && Number.isNaN(f)) {
    problems.push({ path: '/from', message: UTC_TIME.errorMessage });
  }
  if (typeof to === 'string' && Number.isNaN(t)) {
    problems.push({ path: '/to', message: UTC_TIME.errorMessage });
  }
  if (f >= t) problems.push({ path: '/to', message: 'Expected to to be later than from' });
  return problems;
}

/**
 * Checks a backtest request against the strategy it runs: every problem listed (sorted by
 * path), as for strategy parameters. Symbol and interval default to the strategy's.
 */
export function validateBacktestRequest(
  strategy: StrategyDefinition,
  body: unknown,
): BacktestRequestValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { valid: false, problems: [{ path: '/', message: 'Expected an object' }] };
  }
  const b = body as Record<string, unknown>;
  const problems = [...schemaProblems(backtestRequestSchema, b)];
  const seen = new Set(problems.map((p) => p.path));
  const more = [
    ...decimalRangeProblems(b, 'initialCash', { above: '0' }),
    ...decimalRangeProblems(b, 'feeRate', { below: '0.1' }),
    ...rangeProblems(b),
  ];
  const timeframe = strategy.type === 'dca' ? '1h' : strategy.parameters.timeframe;
  if (b.interval === undefined && !isInterval(timeframe)) {
    more.push({
      path: '/interval',
      message: `Expected an interval: the strategy's timeframe ${String(timeframe)} has no candles at the broker (one of ${Object.keys(BACKTEST_INTERVALS).join(', ')})`,
    });
  }
  for (const p of more) {
    if (seen.has(p.path)) continue;
    problems.push(p);
    seen.add(p.path);
  }
  if (problems.length > 0 || !Value.Check(backtestRequestSchema, b)) {
    problems.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    return { valid: false, problems };
  }
  const range: CandleRange =
    b.limit !== undefined
      ? { limit: b.limit as number }
      : {
          from: new Date(String(b.from)).toISOString(),
          to: new Date(String(b.to)).toISOString(),
        };
  return {
    valid: true,
    request: {
      symbol: (b.symbol as string | undefined) ?? String(strategy.parameters.symbol),
      interval: (b.interval as BacktestInterval | undefined) ?? (timeframe as BacktestInterval),
      range,
      initialCash: canonicalDecimal(b.initialCash as string),
      feeRate: canonicalDecimal((b.feeRate as string | undefined) ?? '0'),
    },
  };
}
