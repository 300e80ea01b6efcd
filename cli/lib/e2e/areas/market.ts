import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bodyOf, describeAnswer, expectProblem, expectStatus } from '../expect.js';
import { area } from '../suite.js';
import { D } from './trading.js';

interface Quote {
  symbol: string;
  step: number;
  time: string;
  bid: string;
  ask: string;
  last: string;
  bidSize: string;
  askSize: string;
  currency: string;
}

interface Candle {
  symbol: string;
  startStep: number;
  openTime: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  complete: boolean;
}

interface Account {
  accountId: string;
  userId: string;
  currency: string;
  cash: string;
  holdings: { symbol: string; quantity: string }[];
}

/** A price on the cent tick, as the simulator writes it ("187.70": always two decimals). */
const CENTS = /^[1-9][0-9]*\.[0-9]{2}$/;
/** A positive number of lots: whole shares, or BTC in lots of 0.00001 (five decimals). */
const SIZE = { AAPL: /^[1-9][0-9]*$/, 'BTC-USD': /^[0-9]+\.[0-9]{5}$/ } as const;

export const market = area('market', [
  {
    id: 'E25',
    title: 'quotes are consistent, on the tick and in the order asked',
    async run(t) {
      const user = await t.user();
      const res = await user.call('GET', '/api/v1/market/quotes?symbols=BTC-USD,AAPL,AAPL');
      expectStatus(res, 200, 'GET quotes');
      const body = bodyOf<{ step: number; quotes: Quote[]; validUntil?: string }>(res, 'quotes');
      assert.ok(Number.isSafeInteger(body.step) && body.step >= 0, `a step: ${body.step}`);
      assert.deepEqual(
        body.quotes.map((q) => q.symbol),
        ['BTC-USD', 'AAPL'],
        'one quote per distinct symbol, in the order asked',
      );
      for (const q of body.quotes) {
        const what = `${q.symbol} ${JSON.stringify(q)}`;
        assert.equal(q.step, body.step, `${what}: the answer's step`);
        assert.equal(q.currency, 'USD', what);
        for (const p of [q.bid, q.ask, q.last]) assert.match(p, CENTS, `${what}: price ${p}`);
        assert.ok(new D(q.bid).lt(q.ask), `${what}: bid below ask`);
        assert.ok(new D(q.bid).lte(q.last) && new D(q.last).lte(q.ask), `${what}: last inside`);
        const size = SIZE[q.symbol as keyof typeof SIZE];
        for (const s of [q.bidSize, q.askSize]) {
          assert.match(s, size, `${what}: size ${s}`);
          assert.ok(new D(s).gt(0), `${what}: a positive size`);
        }
        assert.ok(!Number.isNaN(Date.parse(q.time)), `${what}: a time`);
      }
      // On the wall-time clock the quote holds until the next step begins.
      if (body.validUntil !== undefined) {
        assert.ok(
          Date.parse(body.validUntil) > Date.parse(body.quotes[0]!.time),
          `validUntil ${body.validUntil} after the quote's time`,
        );
      }
      // Market data is for clients: no token, no quote.
      const anonymous = await t.call('GET', '/api/v1/market/quotes?symbols=AAPL');
      expectProblem(anonymous, 401, 'ALP_AUTH_TOKEN_MISSING', 'quotes without a token');
    },
  },
  {
    id: 'E26',
    title: 'candles are consistent and deterministic',
    async run(t) {
      const user = await t.user();
      const url = '/api/v1/market/candles/AAPL?interval=1m&limit=5';
      const res = await user.call('GET', url);
      expectStatus(res, 200, 'GET candles');
      const body = bodyOf<{ symbol: string; interval: string; candles: Candle[] }>(res, 'candles');
      assert.equal(body.symbol, 'AAPL');
      assert.equal(body.interval, '1m');
      const { candles } = body;
      assert.equal(candles.length, 5, `five candles: ${describeAnswer(res)}`);
      candles.forEach((c, i) => {
        const what = `candle ${i} ${JSON.stringify(c)}`;
        assert.equal(c.symbol, 'AAPL', what);
        for (const p of [c.open, c.high, c.low, c.close]) assert.match(p, CENTS, what);
        assert.ok(new D(c.low).lte(c.open) && new D(c.low).lte(c.close), `${what}: low`);
        assert.ok(new D(c.high).gte(c.open) && new D(c.high).gte(c.close), `${what}: high`);
        assert.match(c.volume, /^(0|[1-9][0-9]*)$/, `${what}: whole-share volume`);
        // Only the newest candle may still be forming (it is complete in a minute's last step).
        if (i < candles.length - 1) assert.equal(c.complete, true, `${what}: complete`);
        else assert.equal(typeof c.complete, 'boolean', what);
        if (i > 0) {
          const prev = candles[i - 1]!;
          assert.equal(Date.parse(c.openTime) - Date.parse(prev.openTime), 60_000, what);
          const stride = candles[1]!.startStep - candles[0]!.startStep;
          assert.ok(stride > 0, `${what}: steps move forward`);
          assert.equal(c.startStep - prev.startStep, stride, `${what}: one interval of steps`);
        }
      });
      // The market is a deterministic simulation: a finished candle never changes.
      const again = await user.call('GET', url);
      expectStatus(again, 200, 'GET candles again');
      const byTime = new Map(
        bodyOf<{ candles: Candle[] }>(again, 'candles').candles.map((c) => [c.openTime, c]),
      );
      const finished = candles.filter((c) => c.complete);
      const compared = finished.filter((c) => byTime.has(c.openTime));
      assert.ok(compared.length >= finished.length - 1, 'the finished candles are still served');
      for (const c of compared) assert.deepEqual(byTime.get(c.openTime), c, `${c.openTime}`);

      const badInterval = await user.call('GET', '/api/v1/market/candles/AAPL?interval=7m');
      expectProblem(badInterval, 400, 'ALP_REQUEST_INVALID', 'interval 7m');
      const tooMany = await user.call('GET', '/api/v1/market/candles/AAPL?limit=501');
      expectProblem(tooMany, 400, 'ALP_REQUEST_INVALID', 'limit 501');
    },
  },
  {
    id: 'E27',
    title: 'the paper balance after a deposit is exact',
    async run(t) {
      const user = await t.user();
      const before = await user.call('GET', '/api/v1/accounts/me');
      expectStatus(before, 200, 'GET /api/v1/accounts/me');
      const fresh = bodyOf<Account>(before, 'account');
      assert.equal(fresh.userId, user.id);
      assert.equal(fresh.currency, 'USD');
      assert.equal(fresh.cash, '0', 'a new account holds nothing');
      assert.deepEqual(fresh.holdings, []);

      const key = `e2e-deposit-${randomUUID()}`;
      const deposit = () =>
        user.call('POST', '/api/v1/accounts/me/deposits', {
          body: { amount: '100000.00', currency: 'USD' },
          headers: { 'idempotency-key': key },
        });
      const first = await deposit();
      expectStatus(first, 201, 'deposit');
      const posted = bodyOf<{ amount: string; replayed: boolean; account: Account }>(
        first,
        'deposit',
      );
      assert.equal(posted.amount, '100000');
      assert.equal(posted.replayed, false);
      assert.equal(posted.account.cash, '100000');

      // The same key again is a no-op, answered as a replay.
      const replay = await deposit();
      expectStatus(replay, 200, 'the same deposit again');
      const replayed = bodyOf<{ replayed: boolean; account: Account }>(replay, 'replay');
      assert.equal(replayed.replayed, true);
      assert.equal(replayed.account.cash, '100000', 'not credited twice');

      // Cents add exactly.
      const cents = await user.call('POST', '/api/v1/accounts/me/deposits', {
        body: { amount: '0.10', currency: 'USD' },
        headers: { 'idempotency-key': `e2e-deposit-${randomUUID()}` },
      });
      expectStatus(cents, 201, 'deposit of 0.10');
      const after = await user.call('GET', '/api/v1/accounts/me');
      expectStatus(after, 200, 'GET /api/v1/accounts/me');
      const account = bodyOf<Account>(after, 'account');
      assert.equal(account.cash, '100000.1');
      assert.equal(account.accountId, fresh.accountId, 'the same account');

      // A JSON number is not money.
      const float = await user.call('POST', '/api/v1/accounts/me/deposits', {
        body: { amount: 100.5, currency: 'USD' },
      });
      expectProblem(float, 400, 'ALP_REQUEST_INVALID', 'a numeric amount');
    },
  },
  {
    id: 'E28',
    title: 'an unknown symbol answers 400',
    async run(t) {
      const user = await t.user();
      const quotes = await user.call('GET', '/api/v1/market/quotes?symbols=AAPL,NOPE');
      expectProblem(quotes, 400, 'ALP_MARKET_UNKNOWN_SYMBOL', 'a quote for NOPE');
      assert.match(
        String(bodyOf<{ detail?: string }>(quotes, 'problem').detail),
        /NOPE/,
        'the problem names the symbol',
      );
      assert.doesNotMatch(String(bodyOf<{ detail?: string }>(quotes, 'problem').detail), /AAPL/);
      const lower = await user.call('GET', '/api/v1/market/quotes?symbols=aapl');
      expectProblem(lower, 400, 'ALP_MARKET_UNKNOWN_SYMBOL', 'symbols are case-sensitive');
      const candles = await user.call('GET', '/api/v1/market/candles/NOPE');
      expectProblem(candles, 400, 'ALP_MARKET_UNKNOWN_SYMBOL', 'candles of NOPE');
    },
  },
]);
