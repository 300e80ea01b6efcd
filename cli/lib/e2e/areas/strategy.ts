import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import { headerOf } from '../http.js';
import { area } from '../suite.js';

interface Strategy {
  id: string;
  name: string;
  type: string;
  parameters: Record<string, unknown>;
  status: string;
  createdAt: string;
  activatedAt: string | null;
}

interface Candle {
  openTime: string;
  close: string;
  complete: boolean;
}

interface Trade {
  time: string;
  side: 'buy' | 'sell';
  reason: 'signal' | 'end-of-test';
  price: string;
  quantity: string;
  notional: string;
  fee: string;
  realizedPnl: string | null;
  cash: string;
  position: string;
}

interface Signal {
  id: string;
  strategyId: string;
  candleTime: string;
  side: 'buy' | 'sell';
  quantity: string | null;
  price: string;
  status: 'placed' | 'failed' | 'skipped';
  orderId: string | null;
  orderStatus: string | null;
  filledQuantity: string;
  reason: string | null;
}

interface Order {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  quantity: string;
  status: string;
  cumQty: string;
}

const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

interface BacktestRun {
  id: string;
  strategyId: string;
  definition: { type: string; parameters: Record<string, unknown> };
  symbol: string;
  interval: string;
  from: string;
  to: string;
  candles: number;
  initialCash: string;
  feeRate: string;
  metrics: {
    trades: number;
    roundTrips: number;
    winningTrades: number;
    finalEquity: string;
    realizedPnl: string;
    fees: string;
    totalReturn: string;
    maxDrawdown: string;
    winRate: string | null;
  };
  trades: Trade[];
  createdAt: string;
}

const MINUTE = 60_000;
const DECIMAL_MESSAGE =
  'Expected a decimal string such as "12.5" (plain digits, at most 8 fractional digits)';
/** Exact decimal arithmetic for the expected values (never a binary float). */
const D = Decimal.clone({ precision: 80, toExpNeg: -9e15, toExpPos: 9e15 });
const ratio = (n: Decimal, d: Decimal) => {
  const r = n.div(d).toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN);
  return r.isZero() ? '0' : r.toFixed();
};

/**
 * Replays the run's trade list over the broker's own candles, exactly: every trade at the
 * close of its candle, cash and position carried from trade to trade (fee = notional × rate,
 * half-up to cents), then the metrics recomputed from that ledger and the equity curve.
 */
function checkAgainstCandles(run: BacktestRun, candles: readonly Candle[]): void {
  const { metrics, trades } = run;
  assert.ok(
    trades.length >= 2,
    `a crossover trades over ${candles.length} candles: ${trades.length}`,
  );
  assert.equal(metrics.trades, trades.length, 'trades counted');
  const closeAt = new Map(
    candles.map((c) => [new Date(Date.parse(c.openTime) + MINUTE).toISOString(), c.close]),
  );
  const feeRate = new D(run.feeRate);
  let cash = new D(run.initialCash);
  let position = new D(0);
  let cost = new D(0);
  let realized = new D(0);
  let fees = new D(0);
  let wins = 0;
  let sells = 0;
  const byTime = new Map<string, Trade[]>();
  trades.forEach((trade, i) => {
    const what = `trade ${i} ${JSON.stringify(trade)}`;
    const close = closeAt.get(trade.time);
    assert.ok(close !== undefined, `${what}: at the close of a candle in the range`);
    // Canonical decimals on the wire: the candle's "187.70" is the trade's "187.7".
    assert.equal(trade.price, new D(close).toFixed(), `${what}: at its candle's close`);
    assert.equal(trade.side, i % 2 === 0 ? 'buy' : 'sell', `${what}: buys and sells alternate`);
    const notional = new D(trade.price).times(trade.quantity);
    const fee = notional.times(feeRate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    assert.equal(trade.notional, notional.toFixed(), `${what}: notional`);
    assert.equal(trade.fee, fee.toFixed(), `${what}: fee`);
    fees = fees.plus(fee);
    if (trade.side === 'buy') {
      assert.ok(position.isZero(), `${what}: buys only when flat`);
      assert.match(trade.quantity, /^[1-9][0-9]*$/, `${what}: whole shares`);
      cash = cash.minus(notional).minus(fee);
      position = new D(trade.quantity);
      cost = notional.plus(fee);
      assert.equal(trade.realizedPnl, null, `${what}: nothing realised on a buy`);
      // All in: one more share would not have been affordable.
      const more = notional.plus(trade.price);
      assert.ok(
        more.plus(more.times(feeRate)).gt(cash.plus(notional).plus(fee)),
        `${what}: all in`,
      );
    } else {
      assert.equal(trade.quantity, position.toFixed(), `${what}: sells the whole position`);
      const pnl = notional.minus(fee).minus(cost);
      assert.equal(trade.realizedPnl, pnl.toFixed(), `${what}: realised P&L`);
      cash = cash.plus(notional).minus(fee);
      position = new D(0);
      realized = realized.plus(pnl);
      sells += 1;
      if (pnl.gt(0)) wins += 1;
    }
    assert.equal(trade.cash, cash.toFixed(), `${what}: cash after`);
    assert.equal(trade.position, position.toFixed(), `${what}: position after`);
    byTime.set(trade.time, [...(byTime.get(trade.time) ?? []), trade]);
  });
  assert.equal(trades.at(-1)!.side, 'sell', 'the run ends flat');
  // The equity curve: cash plus the position at each candle's close, after its trades.
  let peak = new D(run.initialCash);
  let drawdown = new D(0);
  let held = new D(0);
  let money = new D(run.initialCash);
  for (const [time, close] of closeAt) {
    for (const trade of byTime.get(time) ?? []) {
      held = new D(trade.position);
      money = new D(trade.cash);
    }
    const equity = money.plus(held.times(close));
    if (equity.gt(peak)) peak = equity;
    if (peak.minus(equity).div(peak).gt(drawdown)) drawdown = peak.minus(equity).div(peak);
  }
  const initial = new D(run.initialCash);
  assert.ok(cash.eq(initial.plus(realized)), 'final cash = initial cash + realised P&L');
  assert.deepEqual(metrics, {
    trades: trades.length,
    roundTrips: sells,
    winningTrades: wins,
    finalEquity: cash.toFixed(),
    realizedPnl: realized.toFixed(),
    fees: fees.toFixed(),
    totalReturn: ratio(cash.minus(initial), initial),
    maxDrawdown: ratio(drawdown, new D(1)),
    winRate: ratio(new D(wins), new D(sells)),
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const strategy = area('strategy', [
  {
    id: 'E44',
    title: 'create with validated parameters',
    async run(t) {
      const [owner, other] = await Promise.all([t.user(), t.user()]);
      // Invalid parameters are refused with every problem, sorted by path.
      const bad = await owner.call('POST', '/api/v1/strategies', {
        body: {
          name: 'bad crossover',
          type: 'sma-crossover',
          parameters: { symbol: 'aapl', fast: 30, slow: 10, maxPosition: '-1' },
        },
      });
      expectProblem(bad, 400, 'ALP_STRATEGY_PARAMETERS_INVALID', 'invalid parameters');
      assert.deepEqual(bodyOf(bad, 'refusal').problems, [
        { path: '/fast', message: 'Expected fast (30) to be less than slow (10)' },
        {
          path: '/maxPosition',
          message:
            'Expected a decimal string such as "12.5" (plain digits, at most 8 fractional digits)',
        },
        {
          path: '/symbol',
          message: 'Expected an upper-case symbol of 1-20 characters (A-Z, 0-9, ".", "-")',
        },
      ]);
      const unknown = await owner.call('POST', '/api/v1/strategies', {
        body: { name: 'x', type: 'martingale', parameters: {} },
      });
      expectProblem(unknown, 400, 'ALP_STRATEGY_TYPE_UNKNOWN', 'an unknown type');

      // Valid parameters are stored normalised: defaults filled, decimals canonical.
      const res = await owner.call('POST', '/api/v1/strategies', {
        body: {
          name: 'BTC momentum',
          type: 'momentum',
          parameters: { symbol: 'BTC-USD', lookback: 20, threshold: '0.0500', maxPosition: '2.50' },
        },
      });
      expectStatus(res, 201, 'create');
      const created = bodyOf<Strategy>(res, 'created strategy');
      assert.match(created.id, UUID);
      assert.equal(headerOf(res, 'location'), `/api/v1/strategies/${created.id}`);
      assert.deepEqual(
        { ...created, id: '', createdAt: '' },
        {
          id: '',
          name: 'BTC momentum',
          type: 'momentum',
          parameters: {
            symbol: 'BTC-USD',
            maxPosition: '2.5',
            timeframe: '1d',
            lookback: 20,
            threshold: '0.05',
          },
          status: 'draft',
          createdAt: '',
          activatedAt: null,
        },
      );
      const read = await owner.call('GET', `/api/v1/strategies/${created.id}`);
      expectStatus(read, 200, 'read back');
      assert.deepEqual(read.body, created, 'read back as created');
      // Another user cannot see it (404, as for an id that does not exist).
      const theirs = await other.call('GET', `/api/v1/strategies/${created.id}`);
      expectProblem(theirs, 404, 'ALP_STRATEGY_NOT_FOUND', "another user's strategy");
    },
  },
  {
    id: 'E45',
    title: 'activate',
    async run(t) {
      const [owner, other] = await Promise.all([t.user(), t.user()]);
      const res = await owner.call('POST', '/api/v1/strategies', {
        body: {
          name: 'weekly DCA',
          type: 'dca',
          parameters: { symbol: 'ETH-USD', amount: '100.00', interval: '1w' },
        },
      });
      expectStatus(res, 201, 'create');
      const draft = bodyOf<Strategy>(res, 'draft');
      assert.equal(draft.status, 'draft');
      const url = `/api/v1/strategies/${draft.id}/activate`;

      // Someone else cannot activate it, and it stays a draft.
      const intruder = await other.call('POST', url);
      expectProblem(intruder, 404, 'ALP_STRATEGY_NOT_FOUND', "activating another user's strategy");
      const still = await owner.call('GET', `/api/v1/strategies/${draft.id}`);
      assert.deepEqual(still.body, draft, 'still the draft');

      const first = await owner.call('POST', url);
      expectStatus(first, 200, 'activate');
      const active = bodyOf<Strategy>(first, 'active');
      assert.deepEqual({ ...active, activatedAt: null }, { ...draft, status: 'active' });
      assert.ok(
        active.activatedAt !== null &&
          Date.parse(active.activatedAt) >= Date.parse(draft.createdAt),
        `activatedAt ${String(active.activatedAt)} not before createdAt ${draft.createdAt}`,
      );
      // Activating again changes nothing (the first activation time is kept).
      const again = await owner.call('POST', url);
      expectStatus(again, 200, 'activate again');
      assert.deepEqual(again.body, active);
      const read = await owner.call('GET', `/api/v1/strategies/${draft.id}`);
      assert.deepEqual(read.body, active, 'read back active');
      // Deactivated: a draft again (twice: the same), and no longer evaluated.
      for (const time of ['deactivate', 'deactivate again']) {
        const off = await owner.call('POST', `/api/v1/strategies/${draft.id}/deactivate`);
        expectStatus(off, 200, time);
        assert.deepEqual(off.body, { ...active, status: 'draft', activatedAt: null }, time);
      }
    },
  },
  {
    id: 'E46',
    title: 'a deterministic backtest',
    async run(t) {
      const [owner, other] = await Promise.all([t.user(), t.user()]);
      const created = await owner.call('POST', '/api/v1/strategies', {
        body: {
          name: 'AAPL fast crossover',
          type: 'sma-crossover',
          parameters: { symbol: 'AAPL', timeframe: '1m', fast: 2, slow: 5 },
        },
      });
      expectStatus(created, 201, 'create');
      const strategyId = bodyOf<Strategy>(created, 'strategy').id;
      const url = `/api/v1/strategies/${strategyId}/backtests`;

      // A range of finished one-minute candles, fixed in the past: its answer cannot change.
      const market = await owner.call('GET', '/api/v1/market/candles/AAPL?interval=1m&limit=150');
      expectStatus(market, 200, 'candles');
      const finished = bodyOf<{ candles: Candle[] }>(market, 'candles').candles.filter(
        (c) => c.complete,
      );
      assert.ok(finished.length >= 100, `at least 100 finished candles, got ${finished.length}`);
      const from = finished[0]!.openTime;
      const to = new Date(Date.parse(finished.at(-1)!.openTime) + MINUTE).toISOString();
      const request = { from, to, initialCash: '100000.00', feeRate: '0.0010' };

      const first = await owner.call('POST', url, { body: request });
      expectStatus(first, 201, 'first backtest');
      const run = bodyOf<BacktestRun>(first, 'first run');
      assert.match(run.id, UUID);
      assert.equal(headerOf(first, 'location'), `${url}/${run.id}`);
      assert.deepEqual(
        {
          strategyId: run.strategyId,
          definition: run.definition,
          symbol: run.symbol,
          interval: run.interval,
          from: run.from,
          to: run.to,
          candles: run.candles,
          initialCash: run.initialCash,
          feeRate: run.feeRate,
        },
        {
          strategyId,
          definition: {
            type: 'sma-crossover',
            parameters: { symbol: 'AAPL', timeframe: '1m', fast: 2, slow: 5 },
          },
          symbol: 'AAPL',
          interval: '1m',
          from,
          to,
          candles: finished.length,
          initialCash: '100000',
          feeRate: '0.001',
        },
      );
      checkAgainstCandles(run, finished);
      t.note(`backtest over ${run.candles} candles: ${JSON.stringify(run.metrics)}`);

      // The same inputs again: byte-identical metrics and trades, a new run.
      const second = await owner.call('POST', url, { body: request });
      expectStatus(second, 201, 'second backtest');
      const again = bodyOf<BacktestRun>(second, 'second run');
      assert.notEqual(again.id, run.id, 'a second run is stored');
      assert.equal(JSON.stringify(again.metrics), JSON.stringify(run.metrics), 'same metrics');
      assert.equal(JSON.stringify(again.trades), JSON.stringify(run.trades), 'same trades');
      assert.deepEqual({ ...again, id: '', createdAt: '' }, { ...run, id: '', createdAt: '' });

      // The stored run reads back as it was answered; nobody else can read or run it.
      const read = await owner.call('GET', `${url}/${run.id}`);
      expectStatus(read, 200, 'read the run back');
      assert.deepEqual(read.body, run, 'read back as answered');
      const theirs = await other.call('GET', `${url}/${run.id}`);
      expectProblem(theirs, 404, 'ALP_STRATEGY_BACKTEST_NOT_FOUND', "another user's run");
      const intruder = await other.call('POST', url, { body: request });
      expectProblem(intruder, 404, 'ALP_STRATEGY_NOT_FOUND', "a backtest of another's strategy");

      // Every problem of a bad request at once; a range that is not over yet is refused.
      const bad = await owner.call('POST', url, {
        body: { limit: 10, from, initialCash: '0', feeRate: 0.001 },
      });
      expectProblem(bad, 400, 'ALP_STRATEGY_BACKTEST_INVALID', 'a bad request');
      assert.deepEqual(bodyOf(bad, 'refusal').problems, [
        { path: '/feeRate', message: DECIMAL_MESSAGE },
        { path: '/initialCash', message: 'Expected greater than 0, got "0"' },
        { path: '/limit', message: 'Expected either limit or from and to, not both' },
      ]);
      const future = new Date(Date.parse(to) + 24 * 60 * MINUTE).toISOString();
      const early = await owner.call('POST', url, {
        body: { from, to: future, initialCash: '1000' },
      });
      expectProblem(early, 422, 'ALP_STRATEGY_BACKTEST_RANGE_NOT_FINISHED', 'a range not over');
    },
  },
  {
    id: 'E47',
    title: "an active strategy's signal places an order",
    timeoutMs: 120_000,
    async run(t) {
      // Each buy (~780 AAPL) is larger than the broker ever displays (at most 500 lots at a step),
      // so its order fills over several steps and the signal must follow it to Filled.
      const [owner, other] = await Promise.all([t.user({ deposit: '1000000.00' }), t.user()]);
      const parameters = { symbol: 'AAPL', amount: '150000', interval: '1m' };
      const created = await owner.call('POST', '/api/v1/strategies', {
        body: { name: 'AAPL every minute', type: 'dca', parameters },
      });
      expectStatus(created, 201, 'create');
      const strategyId = bodyOf<Strategy>(created, 'strategy').id;
      try {
        const activated = await owner.call('POST', `/api/v1/strategies/${strategyId}/activate`);
        expectStatus(activated, 200, 'activate');
        assert.equal(bodyOf<Strategy>(activated, 'activated').status, 'active');
        const activatedAt = Date.parse(bodyOf<Strategy>(activated, 'activated').activatedAt!);
        const signalsUrl = `/api/v1/strategies/${strategyId}/signals`;

        const instruments = await owner.call('GET', '/api/v1/market/instruments');
        expectStatus(instruments, 200, 'instruments');
        const aapl = bodyOf<{ instruments: { symbol: string; lotSize: string }[] }>(
          instruments,
          'instruments',
        ).instruments.find((i) => i.symbol === 'AAPL');
        assert.ok(aapl, 'the broker lists AAPL');

        // The first one-minute candle closing after the activation gives a DCA buy: wait for it.
        const readSignals = async () => {
          const res = await owner.call('GET', signalsUrl);
          expectStatus(res, 200, 'signals');
          return bodyOf<{ items: Signal[] }>(res, 'signals').items;
        };
        const deadline = Date.now() + 90_000;
        let signals = await readSignals();
        while (!signals.some((s) => s.status === 'placed') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 2_000));
          t.signal.throwIfAborted();
          signals = await readSignals();
        }
        let signal = signals.at(-1);
        assert.ok(signal, `a signal within 90 s of the activation, got ${JSON.stringify(signals)}`);
        t.note(`first signal: ${JSON.stringify(signal)}`);
        // The rest of the buy fills at later steps: strategy reads its order back on each pass
        // until it is final, so the signal ends Filled.
        const firstId = signal.id;
        const followUntil = Date.now() + 30_000;
        while (signal.orderStatus !== 'Filled' && Date.now() < followUntil) {
          await new Promise((r) => setTimeout(r, 1_000));
          t.signal.throwIfAborted();
          signal = (await readSignals()).find((s) => s.id === firstId) ?? signal;
        }
        const candleEnd = Date.parse(signal.candleTime) + MINUTE;
        assert.ok(
          candleEnd > activatedAt,
          `its candle closed after the activation: ${signal.candleTime}`,
        );
        assert.equal(signal.side, 'buy', 'DCA buys');
        assert.equal(signal.status, 'placed', `the order was placed: ${JSON.stringify(signal)}`);

        // Sized as the backtest sizes DCA: whole lots of `amount` at the candle's close.
        const market = await owner.call('GET', '/api/v1/market/candles/AAPL?interval=1m&limit=10');
        expectStatus(market, 200, 'candles');
        const candle = bodyOf<{ candles: Candle[] }>(market, 'candles').candles.find(
          (c) => c.openTime === signal.candleTime,
        );
        assert.ok(
          candle?.complete,
          `the signal's candle ${signal.candleTime} is a finished candle`,
        );
        assert.equal(signal.price, new D(candle.close).toFixed(), "at the candle's close");
        const lot = new D(aapl.lotSize);
        const expected = new D(parameters.amount).div(candle.close).div(lot).floor().times(lot);
        assert.equal(signal.quantity, expected.toFixed(), 'amount / close, in whole lots');

        // The order is the owner's, with the signal's quantity, and filled through the broker.
        const order = await owner.call('GET', `/api/v1/orders/${signal.orderId}`);
        expectStatus(order, 200, "the signal's order, read by its owner");
        assert.deepEqual(
          pick(bodyOf<Order>(order, 'order'), [
            'id',
            'clientOrderId',
            'symbol',
            'side',
            'type',
            'quantity',
            'status',
            'cumQty',
          ]),
          {
            id: signal.orderId,
            clientOrderId: createHash('sha256')
              .update(`${owner.id}:strategy:${strategyId}:${signal.candleTime}`, 'utf8')
              .digest('hex')
              .slice(0, 32),
            symbol: 'AAPL',
            side: 'buy',
            type: 'market',
            quantity: signal.quantity,
            status: 'Filled',
            cumQty: signal.quantity,
          },
        );
        assert.equal(signal.orderStatus, 'Filled');
        assert.equal(signal.filledQuantity, signal.quantity);
        const theirOrder = await other.call('GET', `/api/v1/orders/${signal.orderId}`);
        expectProblem(theirOrder, 404, 'ALP_ORDERS_NOT_FOUND', 'another user reading the order');
        // The route strategy places it through is not the user's: not at the gateway, and
        // trading itself refuses a user's token there.
        const internal = {
          userId: owner.id,
          symbol: 'AAPL',
          side: 'buy',
          type: 'market',
          quantity: '1',
        };
        const viaGateway = await owner.call('POST', '/internal/orders', {
          body: internal,
          headers: { 'idempotency-key': `strategy:${strategyId}:forged` },
        });
        expectProblem(
          viaGateway,
          404,
          'ALP_REQUEST_NOT_FOUND',
          'the internal route at the gateway',
        );
        const direct = await t.direct('trading', 'POST', '/internal/orders', {
          token: owner.accessToken,
          body: internal,
          headers: { 'idempotency-key': `strategy:${strategyId}:forged` },
        });
        expectProblem(
          direct,
          401,
          'ALP_AUTH_TOKEN_INVALID',
          "a user's token at trading's internal route",
        );
        const theirSignals = await other.call('GET', signalsUrl);
        expectProblem(theirSignals, 404, 'ALP_STRATEGY_NOT_FOUND', "another user's signals");

        // Later passes over the same candle place nothing more: one signal per candle, and the
        // owner's orders (this user places none by hand) match the placed signals one to one.
        await new Promise((r) => setTimeout(r, 8_000));
        const before = await readSignals();
        const ordersRes = await owner.call('GET', '/api/v1/orders?limit=100');
        expectStatus(ordersRes, 200, 'orders');
        const orders = bodyOf<{ items: Order[] }>(ordersRes, 'orders').items;
        let after = await readSignals();
        const ids = (list: Signal[]) =>
          list.filter((s) => s.status === 'placed').map((s) => s.orderId!);
        if (!orders.every((o) => ids(after).includes(o.id))) {
          // An order whose signal was still being committed: the pass ends within seconds.
          await new Promise((r) => setTimeout(r, 5_000));
          after = await readSignals();
        }
        const candles = after.map((s) => s.candleTime);
        assert.equal(new Set(candles).size, candles.length, `one signal per candle: ${candles}`);
        assert.equal(
          orders.filter((o) => o.id === signal.orderId).length,
          1,
          'one order for the first candle',
        );
        for (const id of ids(before)) {
          assert.ok(
            orders.some((o) => o.id === id),
            `signal order ${id} among the owner's orders`,
          );
        }
        for (const o of orders) {
          assert.ok(ids(after).includes(o.id), `order ${o.id} belongs to a signal`);
        }
        assert.ok(
          orders.length >= ids(before).length && orders.length <= ids(after).length,
          `orders ${orders.length} match signals ${ids(before).length}..${ids(after).length}`,
        );
      } finally {
        // Deactivated, so the strategy does not go on trading after the test.
        await owner.call('POST', `/api/v1/strategies/${strategyId}/deactivate`);
      }
    },
  },
]);
