import assert from 'node:assert/strict';
import type { E2eUser } from '../context.js';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import { area } from '../suite.js';
import { D, listOrders, placeOrder, restingBuyPrice, submitOrder, type Order } from './trading.js';

interface Limits {
  maxOrderNotional: string;
  maxPositionQty: string;
  maxDailyLoss: string;
  maxOrdersPerMinute: number;
  restrictedSymbols: string[];
}

/** The limits a user starts with (GET /api/v1/risk/limits), without the user id. */
async function limitsOf(user: E2eUser): Promise<Limits> {
  const res = await user.call('GET', '/api/v1/risk/limits');
  expectStatus(res, 200, 'GET /api/v1/risk/limits');
  const { userId, ...limits } = bodyOf<Limits & { userId: string }>(res, 'limits');
  assert.equal(userId, user.id, "the caller's own limits");
  return limits;
}

/** A risk officer sets a trader's full set of limits: the trader's current ones, changed. */
async function setLimits(officer: E2eUser, trader: E2eUser, change: Partial<Limits>) {
  const limits = { ...(await limitsOf(trader)), ...change };
  const res = await officer.call('PUT', `/api/v1/risk/limits/${trader.id}`, { body: limits });
  expectStatus(res, 200, 'PUT limits (risk officer)');
  const after = await limitsOf(trader);
  assert.deepEqual(after, { ...limits, restrictedSymbols: [...limits.restrictedSymbols].sort() });
  return after;
}

/** An order risk refused: stored Rejected with the refusing rule's code as its reason. */
function assertRejected(order: Order, code: string, what: string): void {
  assert.equal(order.status, 'Rejected', `${what}: ${JSON.stringify(order)}`);
  assert.equal(order.reason, code, `${what}: the rule named`);
  assert.equal(order.cumQty, '0', what);
  assert.equal(order.leavesQty, '0', what);
}

export const risk = area('risk', [
  {
    id: 'E39',
    title: 'an over-notional order is rejected with the rule named',
    async run(t) {
      const [trader, officer] = await Promise.all([
        t.user({ deposit: '100000.00' }),
        t.user({ roles: ['risk-officer'] }),
      ]);
      const price = await restingBuyPrice(trader, 'AAPL');
      // The limit is exactly 10 shares at the price: the order at the limit passes.
      const limit = new D(price).times(10).toFixed();
      await setLimits(officer, trader, { maxOrderNotional: limit });

      const over = new D(price).plus('0.01').toFixed(2);
      const refused = await placeOrder(
        trader,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: over },
        `10 AAPL at ${over} (notional over ${limit})`,
      );
      assertRejected(refused, 'ALP_RISK_ORDER_NOTIONAL_EXCEEDED', 'over the limit');
      const read = await trader.call('GET', `/api/v1/orders/${refused.id}`);
      expectStatus(read, 200, 'GET the rejected order');
      assert.equal(bodyOf<Order>(read, 'order').reason, 'ALP_RISK_ORDER_NOTIONAL_EXCEEDED');

      const atLimit = await placeOrder(
        trader,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: price },
        `10 AAPL at ${price} (notional exactly ${limit})`,
      );
      assert.equal(atLimit.status, 'New', `at the limit: ${JSON.stringify(atLimit)}`);
      assert.equal(atLimit.reason, null);
    },
  },
  {
    id: 'E40',
    title: 'a restricted symbol is rejected',
    async run(t) {
      const [trader, officer] = await Promise.all([
        t.user({ deposit: '100000.00' }),
        t.user({ roles: ['risk-officer'] }),
      ]);
      await setLimits(officer, trader, { restrictedSymbols: ['TSLA'] });
      const tsla = await restingBuyPrice(trader, 'TSLA');
      const refused = await placeOrder(
        trader,
        { symbol: 'TSLA', side: 'buy', type: 'limit', quantity: '1', limitPrice: tsla },
        'an order in TSLA',
      );
      assertRejected(refused, 'ALP_RISK_SYMBOL_RESTRICTED', 'TSLA is restricted');
      // A market order is refused the same way, and nothing is bought.
      const market = await placeOrder(
        trader,
        { symbol: 'TSLA', side: 'buy', type: 'market', quantity: '1' },
        'a market order in TSLA',
      );
      assertRejected(market, 'ALP_RISK_SYMBOL_RESTRICTED', 'TSLA market order');
      const positions = await trader.call('GET', '/api/v1/positions');
      expectStatus(positions, 200, 'GET /api/v1/positions');
      assert.deepEqual(bodyOf<{ items: unknown[] }>(positions, 'positions').items, []);

      // Other symbols still trade, and the restriction is this trader's only.
      const aapl = await restingBuyPrice(trader, 'AAPL');
      const allowed = await placeOrder(
        trader,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: aapl },
        'an order in AAPL',
      );
      assert.equal(allowed.status, 'New', `AAPL is not restricted: ${JSON.stringify(allowed)}`);
      const bystander = await t.user({ deposit: '100000.00' });
      const theirs = await placeOrder(
        bystander,
        { symbol: 'TSLA', side: 'buy', type: 'limit', quantity: '1', limitPrice: tsla },
        "another trader's TSLA order",
      );
      assert.equal(theirs.status, 'New', `not restricted for others: ${JSON.stringify(theirs)}`);
    },
  },
  {
    id: 'E41',
    title: 'concurrent orders cannot jointly breach a limit',
    async run(t) {
      const [trader, officer] = await Promise.all([
        t.user({ deposit: '100000.00' }),
        t.user({ roles: ['risk-officer'] }),
      ]);
      // At most 10 shares counting open orders; ten resting orders of 2 arrive at once.
      await setLimits(officer, trader, { maxPositionQty: '10' });
      const price = await restingBuyPrice(trader, 'SPY');
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          submitOrder(trader, {
            symbol: 'SPY',
            side: 'buy',
            type: 'limit',
            quantity: '2',
            limitPrice: price,
          }),
        ),
      );
      for (const a of answers) expectStatus(a, 201, 'a concurrent order');
      const orders = answers.map((a) => bodyOf<Order>(a, 'order'));
      const accepted = orders.filter((o) => o.status === 'New');
      const refused = orders.filter((o) => o.status !== 'New');
      const total = accepted.reduce((sum, o) => sum.plus(o.quantity), new D(0));
      t.note(`${accepted.length} accepted (${total.toFixed()} shares), ${refused.length} refused`);
      assert.ok(total.lte(10), `accepted ${total.toFixed()} shares, over the limit of 10`);
      // Every order that fits is taken: five orders of 2 reach the limit exactly.
      assert.equal(accepted.length, 5, `five accepted: ${JSON.stringify(orders)}`);
      for (const o of refused) assertRejected(o, 'ALP_RISK_POSITION_LIMIT_EXCEEDED', 'refused');

      // What trading stored agrees with what it answered.
      const stored = await listOrders(trader);
      assert.equal(stored.length, 10);
      assert.equal(stored.filter((o) => o.status === 'New').length, 5);
    },
  },
  {
    id: 'E42',
    title: 'a trader cannot change limits (403)',
    async run(t) {
      const trader = await t.user();
      const before = await limitsOf(trader);
      const raised = { ...before, maxOrderNotional: '999999999', restrictedSymbols: [] };
      const own = await trader.call('PUT', `/api/v1/risk/limits/${trader.id}`, { body: raised });
      expectProblem(own, 403, 'ALP_AUTH_FORBIDDEN', 'a trader raising their own limits');
      const other = await t.user();
      const theirs = await trader.call('PUT', `/api/v1/risk/limits/${other.id}`, {
        body: raised,
      });
      expectProblem(theirs, 403, 'ALP_AUTH_FORBIDDEN', "a trader changing another's limits");
      const kill = await trader.call('POST', '/api/v1/risk/kill-switch', {
        body: { active: true, reason: 'a trader tries' },
      });
      expectProblem(kill, 403, 'ALP_AUTH_FORBIDDEN', 'a trader flipping the kill switch');
      assert.deepEqual(await limitsOf(trader), before, 'the limits did not change');
    },
  },
  {
    id: 'E43',
    title: 'the kill switch stops new orders',
    // The kill switch is global: while it is on, every other test's orders would be refused.
    disruptive: true,
    async run(t) {
      const [trader, admin] = await Promise.all([
        t.user({ deposit: '100000.00' }),
        t.user({ roles: ['admin'] }),
      ]);
      const price = await restingBuyPrice(trader, 'AAPL');
      const order = {
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        limitPrice: price,
      };
      const reason = `e2e E43 ${trader.id}`;
      try {
        const on = await admin.call('POST', '/api/v1/risk/kill-switch', {
          body: { active: true, reason },
        });
        expectStatus(on, 200, 'kill switch on');
        const state = bodyOf<{ scope: string; active: boolean; reason: string }>(on, 'switch');
        assert.deepEqual([state.scope, state.active, state.reason], ['global', true, reason]);

        const halted = await placeOrder(trader, order, 'an order while halted');
        assertRejected(halted, 'ALP_RISK_KILL_SWITCH_ACTIVE', 'while halted');
        const exposure = await trader.call('GET', '/api/v1/risk/exposure');
        expectStatus(exposure, 200, 'GET /api/v1/risk/exposure');
        assert.deepEqual(bodyOf<{ killSwitch: unknown }>(exposure, 'exposure').killSwitch, {
          active: true,
          reason,
        });
      } finally {
        // Always off again, even when turning it on seemed to fail.
        const off = await admin.call('POST', '/api/v1/risk/kill-switch', {
          body: { active: false },
        });
        expectStatus(off, 200, 'kill switch off');
        assert.equal(bodyOf<{ active: boolean }>(off, 'switch').active, false);
      }
      const resumed = await placeOrder(trader, order, 'an order after the switch is off');
      assert.equal(resumed.status, 'New', `trading resumes: ${JSON.stringify(resumed)}`);
    },
  },
]);
