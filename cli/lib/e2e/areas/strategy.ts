import assert from 'node:assert/strict';
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
    },
  },
  {
    id: 'E46',
    title: 'a deterministic backtest',
    missing:
      "backtests: strategy serves no backtest route (e.g. POST /api/v1/strategies/:id/backtests over the broker's simulated candles returning metrics); there is no backtest engine",
  },
  {
    id: 'E47',
    title: "an active strategy's signal places an order",
    missing:
      'live signals: an active strategy only records its status; nothing evaluates it on market data or places orders through trading',
  },
]);
