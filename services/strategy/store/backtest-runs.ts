import type { Tx } from '../../platform/transaction.js';
import type { BacktestMetrics, BacktestTrade } from '../domain/backtest/run-backtest.js';
import type { StrategyDefinition } from '../domain/validate-strategy.js';

/** A stored backtest run as the API shows it. */
export interface BacktestRun {
  readonly id: string;
  readonly strategyId: string;
  /** The strategy's definition the run replayed (a later edit does not change the run). */
  readonly definition: StrategyDefinition;
  readonly symbol: string;
  readonly interval: string;
  /** Open time of the first candle and close time of the last one replayed. */
  readonly from: string;
  readonly to: string;
  readonly candles: number;
  readonly initialCash: string;
  readonly feeRate: string;
  readonly metrics: BacktestMetrics;
  readonly trades: readonly BacktestTrade[];
  readonly createdAt: string;
}

interface Row {
  id: string;
  strategy_id: string;
  definition: StrategyDefinition;
  symbol: string;
  interval: string;
  range_from: Date;
  range_to: Date;
  candle_count: number;
  initial_cash: string;
  fee_rate: string;
  result: { metrics: BacktestMetrics; trades: BacktestTrade[] };
  created_at: Date;
}

const COLUMNS = `id, strategy_id, definition, symbol, interval, range_from, range_to, candle_count,
  initial_cash::text AS initial_cash, fee_rate::text AS fee_rate, result, created_at`;

function fromRow(r: Row): BacktestRun {
  return {
    id: r.id,
    strategyId: r.strategy_id,
    definition: r.definition,
    symbol: r.symbol,
    interval: r.interval,
    from: r.range_from.toISOString(),
    to: r.range_to.toISOString(),
    candles: r.candle_count,
    initialCash: r.initial_cash,
    feeRate: r.fee_rate,
    metrics: r.result.metrics,
    trades: r.result.trades,
    createdAt: r.created_at.toISOString(),
  };
}

export type NewBacktestRun = Omit<BacktestRun, 'createdAt'> & { readonly ownerId: string };

export async function insertBacktestRun(db: Tx, run: NewBacktestRun): Promise<BacktestRun> {
  const { rows } = await db.query<Row>(
    `INSERT INTO backtest_runs (id, strategy_id, owner_id, definition, symbol, interval,
       range_from, range_to, candle_count, initial_cash, fee_rate, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     RETURNING ${COLUMNS}`,
    [
      run.id,
      run.strategyId,
      run.ownerId,
      JSON.stringify(run.definition),
      run.symbol,
      run.interval,
      run.from,
      run.to,
      run.candles,
      run.initialCash,
      run.feeRate,
      JSON.stringify({ metrics: run.metrics, trades: run.trades }),
    ],
  );
  return fromRow(rows[0]!);
}

/** The owner's run of that strategy, or undefined (another user's run is not found either). */
export async function findBacktestRun(
  db: Tx,
  ownerId: string,
  strategyId: string,
  id: string,
): Promise<BacktestRun | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM backtest_runs WHERE id = $1 AND strategy_id = $2 AND owner_id = $3`,
    [id, strategyId, ownerId],
  );
  return rows[0] && fromRow(rows[0]);
}
