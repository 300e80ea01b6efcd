import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { CallContext } from '../../platform/index.js';
import { Dec, formatDecimal } from '../../platform/decimal.js';
import { uuidv7 } from '../../platform/ids.js';
import { BACKTEST_INTERVALS } from '../domain/backtest/backtest-request.js';
import {
  candlesNeeded,
  dueCandles,
  liveDecision,
  liveInterval,
  type LiveCandle,
} from '../domain/live/live-decision.js';
import type { StrategyDefinition } from '../domain/validate-strategy.js';
import {
  insertSignal,
  recordSignalOrder,
  strategyPosition,
  takeOpenSignalOrders,
  type NewSignal,
} from '../store/signals.js';
import { placeLiveOrder, readLiveOrder } from '../upstreams/trading-orders.js';
import { liveCandles, lotSizeOf } from './live-market.js';

export interface EvaluatorSettings {
  /** How often the broker's candles are polled for newly finished ones; 0 turns it off. */
  readonly pollMs: number;
}

export const DEFAULT_EVALUATOR_SETTINGS: EvaluatorSettings = { pollMs: 3_000 };

/** The idempotency key of a strategy's order for one candle (same on every instance). */
export function signalKey(strategyId: string, candleOpenTime: string): string {
  return `strategy:${strategyId}:${new Date(candleOpenTime).toISOString()}`;
}

interface StateRow {
  owner_id: string;
  type: StrategyDefinition['type'];
  parameters: Record<string, unknown>;
  activated_at: Date;
  first_candle_at: Date | null;
  last_candle_at: Date | null;
}

/** Market data asked for once per pass, whatever the number of strategies that need it. */
class PassMarket {
  private readonly candles = new Map<string, Promise<LiveCandle[]>>();
  private readonly lots = new Map<string, Promise<string>>();
  readonly context: CallContext = {
    id: `strategy-evaluator-${uuidv7()}`,
    trace: { traceId: randomBytes(16).toString('hex'), sampled: false },
  };

  constructor(private readonly app: FastifyInstance) {}

  finished(symbol: string, interval: string, limit: number): Promise<LiveCandle[]> {
    const key = `${symbol}|${interval}|${limit}`;
    let hit = this.candles.get(key);
    if (!hit) {
      hit = liveCandles(this.app, symbol, interval, limit, this.context);
      this.candles.set(key, hit);
    }
    return hit;
  }

  lotSize(symbol: string): Promise<string> {
    let hit = this.lots.get(symbol);
    if (!hit) {
      hit = lotSizeOf(this.app, symbol, this.context);
      this.lots.set(symbol, hit);
    }
    return hit;
  }
}

/**
 * Evaluates one active strategy on its newly finished candles, holding its evaluation row
 * (FOR UPDATE SKIP LOCKED: an instance that finds it locked leaves it to the one holding it).
 * Each signal's order goes to trading with the key `strategy:<id>:<candle open time>`, so a
 * crash before the commit (or any retry) replays the same order instead of placing another.
 * Trading not answering stops at that candle; the next pass retries it with the same key.
 */
async function evaluateStrategy(
  app: FastifyInstance,
  strategyId: string,
  market: PassMarket,
): Promise<void> {
  const client = await app.pg.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<StateRow>(
      `SELECT s.owner_id, s.type, s.parameters, s.activated_at, e.first_candle_at, e.last_candle_at
         FROM strategy_evaluations e JOIN strategies s ON s.id = e.strategy_id
        WHERE e.strategy_id = $1 AND s.status = 'active'
          FOR UPDATE OF e SKIP LOCKED`,
      [strategyId],
    );
    const row = rows[0];
    const definition: StrategyDefinition | undefined = row && {
      type: row.type,
      parameters: row.parameters,
    };
    const interval = definition && liveInterval(definition);
    if (!row || !definition || !interval) {
      await client.query('ROLLBACK');
      return;
    }
    const candleMs = BACKTEST_INTERVALS[interval];
    const symbol = String(definition.parameters.symbol);
    const finished = await market.finished(symbol, interval, candlesNeeded(definition));
    const due = dueCandles(finished, candleMs, row.activated_at, row.last_candle_at);
    if (due.length === 0) {
      await client.query('ROLLBACK');
      return;
    }
    const lotSize = await market.lotSize(symbol);
    const first = row.first_candle_at?.getTime() ?? Date.parse(due[0]!.openTime);
    let position = new Dec(await strategyPosition(client, strategyId));
    let evaluated: string | undefined;
    for (const candle of due) {
      const index = finished.indexOf(candle);
      const decision = liveDecision({
        definition,
        closes: finished.slice(0, index + 1).map((c) => c.close),
        sinceFirst: Math.round((Date.parse(candle.openTime) - first) / candleMs),
        candleMs,
        position: formatDecimal(position),
        lotSize,
      });
      if (decision.kind !== 'none') {
        const idempotencyKey = signalKey(strategyId, candle.openTime);
        const base = {
          id: uuidv7(),
          strategyId,
          ownerId: row.owner_id,
          candleTime: new Date(candle.openTime).toISOString(),
          side: decision.side,
          price: formatDecimal(new Dec(candle.close)),
          idempotencyKey,
        };
        let signal: NewSignal;
        if (decision.kind === 'skipped') {
          signal = {
            ...base,
            quantity: null,
            status: 'skipped',
            orderId: null,
            orderStatus: null,
            filledQuantity: '0',
            reason: decision.reason,
          };
        } else {
          const outcome = await placeLiveOrder(app, {
            userId: row.owner_id,
            symbol,
            side: decision.side,
            quantity: decision.quantity,
            idempotencyKey,
          });
          if (outcome.kind === 'retry') {
            app.log.warn(
              { err: outcome.error, strategyId, candle: candle.openTime },
              'trading did not take the signal order; retrying at the next pass',
            );
            break;
          }
          const filled = outcome.kind === 'placed' ? new Dec(outcome.order.cumQty) : new Dec(0);
          signal = {
            ...base,
            quantity: decision.quantity,
            status: outcome.kind === 'placed' ? 'placed' : 'failed',
            orderId: outcome.kind === 'placed' ? outcome.order.id : null,
            orderStatus: outcome.kind === 'placed' ? outcome.order.status : null,
            filledQuantity: formatDecimal(filled),
            reason: outcome.kind === 'refused' ? outcome.code : null,
          };
          position = decision.side === 'buy' ? position.plus(filled) : position.minus(filled);
        }
        await insertSignal(client, signal);
      }
      evaluated = candle.openTime;
    }
    if (evaluated !== undefined) {
      await client.query(
        `UPDATE strategy_evaluations
            SET first_candle_at = coalesce(first_candle_at, $2), last_candle_at = $3,
                evaluated_at = now()
          WHERE strategy_id = $1`,
        [strategyId, new Date(first), evaluated],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Most open orders one pass reads back from trading. */
const ORDERS_READ_PER_PASS = 50;

/**
 * Reads back from trading the orders of placed signals that are not final yet (a market
 * order larger than the displayed size answers PartiallyFilled and fills at later steps), so
 * that a signal shows its order's state and the strategy's position counts every fill.
 */
export async function followSignalOrders(app: FastifyInstance): Promise<void> {
  const open = await takeOpenSignalOrders(app.pg, ORDERS_READ_PER_PASS);
  for (const o of open) {
    const order = await readLiveOrder(app, o.ownerId, o.orderId);
    if (order) await recordSignalOrder(app.pg, o.signalId, order);
  }
}

/**
 * One pass over the active strategies: the open orders of earlier signals are read back
 * first (a position counts what they filled since), then each strategy gets its evaluation
 * row (created on its first pass) and is evaluated on the candles finished since the last
 * pass. A failure of one strategy (the broker not answering, say) is logged and does not
 * stop the others.
 */
export async function evaluateActiveStrategies(app: FastifyInstance): Promise<void> {
  await followSignalOrders(app);
  await app.pg.query(
    `INSERT INTO strategy_evaluations (strategy_id)
     SELECT id FROM strategies WHERE status = 'active'
     ON CONFLICT (strategy_id) DO NOTHING`,
  );
  const { rows } = await app.pg.query<{ strategy_id: string }>(
    `SELECT e.strategy_id FROM strategy_evaluations e JOIN strategies s ON s.id = e.strategy_id
      WHERE s.status = 'active' ORDER BY e.evaluated_at NULLS FIRST, e.strategy_id`,
  );
  const market = new PassMarket(app);
  for (const { strategy_id: id } of rows) {
    try {
      await evaluateStrategy(app, id, market);
    } catch (err) {
      app.log.warn({ err, strategyId: id }, 'live evaluation of a strategy failed');
    }
  }
}

export interface Evaluator {
  stop(): Promise<void>;
}

/** Runs a pass every `pollMs` (never two at once) until stopped. */
export function startEvaluator(app: FastifyInstance, settings: EvaluatorSettings): Evaluator {
  if (settings.pollMs <= 0) return { stop: async () => undefined };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = evaluateActiveStrategies(app)
      .catch((err: unknown) => app.log.warn({ err }, 'live evaluation pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, settings.pollMs);
      });
  };
  timer = setTimeout(tick, settings.pollMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
