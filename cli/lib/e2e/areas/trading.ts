import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { E2eUser } from '../context.js';
import { bodyOf, describeAnswer, expectProblem, expectStatus } from '../expect.js';
import { headerOf, type HttpResult } from '../http.js';
import { area } from '../suite.js';

/** Exact decimal arithmetic for the expected values (never a binary float). */
export const D = Decimal.clone({ precision: 80, toExpNeg: -9e15, toExpPos: 9e15 });

/** An order as trading answers it (decimals as canonical strings). */
export interface Order {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  quantity: string;
  limitPrice: string | null;
  status: string;
  cumQty: string;
  leavesQty: string;
  avgPrice: string | null;
  reason: string | null;
}

export interface Quote {
  symbol: string;
  bid: string;
  ask: string;
  last: string;
}

/** POST /api/v1/orders with a fresh (or the given) Idempotency-Key; the raw answer. */
export function submitOrder(
  user: E2eUser,
  body: Record<string, unknown>,
  key: string = `e2e-${randomUUID()}`,
): Promise<HttpResult> {
  return user.call('POST', '/api/v1/orders', { body, headers: { 'idempotency-key': key } });
}

/** Places an order that trading must accept as a resource (201) and returns it. */
export async function placeOrder(
  user: E2eUser,
  body: Record<string, unknown>,
  what: string,
): Promise<Order> {
  const res = await submitOrder(user, body);
  expectStatus(res, 201, what);
  return bodyOf<Order>(res, what);
}

/** The current quote of one symbol. */
export async function quoteOf(user: E2eUser, symbol: string): Promise<Quote> {
  const res = await user.call('GET', `/api/v1/market/quotes?symbols=${symbol}`);
  expectStatus(res, 200, `quote of ${symbol}`);
  const quote = bodyOf<{ quotes: Quote[] }>(res, 'quotes').quotes[0];
  assert.ok(quote, `a quote for ${symbol}: ${describeAnswer(res)}`);
  return quote;
}

/**
 * A buy limit price that cannot cross: half the current bid, on the cent tick. The simulated
 * market wanders a few basis points a step; it never halves while a test runs.
 */
export async function restingBuyPrice(user: E2eUser, symbol: string): Promise<string> {
  const { bid } = await quoteOf(user, symbol);
  return new D(bid).div(2).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2);
}

/** GET /api/v1/orders, every item (one page is plenty for a test's own user). */
export async function listOrders(user: E2eUser): Promise<Order[]> {
  const res = await user.call('GET', '/api/v1/orders?limit=100');
  expectStatus(res, 200, 'GET /api/v1/orders');
  return bodyOf<{ items: Order[] }>(res, 'order list').items;
}

/** A market buy that fills: one lot always fills at once (a quote shows at least one lot). */
export async function filledBuy(user: E2eUser, symbol: string, quantity: string): Promise<Order> {
  const order = await placeOrder(
    user,
    { symbol, side: 'buy', type: 'market', quantity },
    `market buy ${quantity} ${symbol}`,
  );
  assert.equal(order.status, 'Filled', `the market order fills: ${JSON.stringify(order)}`);
  return order;
}

const PRICE = /^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/;

export const trading = area('trading', [
  {
    id: 'E29',
    title: 'a market order fills',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const order = await placeOrder(
        user,
        { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
        'market buy 1 AAPL',
      );
      assert.equal(order.status, 'Filled', `status: ${JSON.stringify(order)}`);
      assert.equal(order.symbol, 'AAPL');
      assert.equal(order.side, 'buy');
      assert.equal(order.type, 'market');
      assert.equal(order.quantity, '1');
      assert.equal(order.limitPrice, null);
      assert.equal(order.cumQty, '1');
      assert.equal(order.leavesQty, '0');
      assert.equal(order.reason, null);
      assert.match(
        order.avgPrice ?? '',
        PRICE,
        `a canonical decimal fill price: ${order.avgPrice}`,
      );
      assert.ok(new D(order.avgPrice!).gt(0));

      // The order reads back the same, and the broker's account holds the share.
      const read = await user.call('GET', `/api/v1/orders/${order.id}`);
      expectStatus(read, 200, 'GET the order');
      assert.deepEqual(
        { ...bodyOf<Order>(read, 'order'), updatedAt: undefined },
        { ...order, updatedAt: undefined },
      );
      const account = await user.call('GET', '/api/v1/accounts/me');
      expectStatus(account, 200, 'GET /api/v1/accounts/me');
      const view = bodyOf<{ cash: string; holdings: { symbol: string; quantity: string }[] }>(
        account,
        'account',
      );
      assert.deepEqual(view.holdings, [{ symbol: 'AAPL', quantity: '1' }]);
      // Cash fell by the notional plus a fee in whole cents below 10 % (FEE_RATE's bound).
      const fee = new D('100000').minus(order.avgPrice!).minus(view.cash);
      assert.ok(
        fee.gte(0) && fee.lt(new D(order.avgPrice!).div(10)) && fee.decimalPlaces() <= 2,
        `cash ${view.cash} after buying 1 at ${order.avgPrice}: fee ${fee.toFixed()}`,
      );
      t.note(`filled at ${order.avgPrice}, fee ${fee.toFixed()}`);
    },
  },
  {
    id: 'E30',
    title: 'a limit order that cannot cross rests as New',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const price = await restingBuyPrice(user, 'MSFT');
      const order = await placeOrder(
        user,
        { symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '5', limitPrice: price },
        `limit buy 5 MSFT at ${price}`,
      );
      assert.equal(order.status, 'New', `status: ${JSON.stringify(order)}`);
      assert.equal(order.quantity, '5');
      assert.equal(order.limitPrice, new D(price).toFixed(), 'the limit price, canonical');
      assert.equal(order.cumQty, '0');
      assert.equal(order.leavesQty, '5');
      assert.equal(order.avgPrice, null);

      // Still resting when read back, and listed; nothing filled, so no position.
      const read = await user.call('GET', `/api/v1/orders/${order.id}`);
      expectStatus(read, 200, 'GET the order');
      const again = bodyOf<Order>(read, 'order');
      assert.equal(again.status, 'New');
      assert.equal(again.cumQty, '0');
      assert.deepEqual(
        (await listOrders(user)).map((o) => [o.id, o.status]),
        [[order.id, 'New']],
      );
      const positions = await user.call('GET', '/api/v1/positions');
      expectStatus(positions, 200, 'GET /api/v1/positions');
      assert.deepEqual(bodyOf<{ items: unknown[] }>(positions, 'positions').items, []);
    },
  },
  {
    id: 'E31',
    title: 'cancel of a resting order ends it Canceled',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const price = await restingBuyPrice(user, 'AAPL');
      const order = await placeOrder(
        user,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '2', limitPrice: price },
        `limit buy 2 AAPL at ${price}`,
      );
      assert.equal(order.status, 'New', `rests first: ${JSON.stringify(order)}`);

      const cancel = await user.call('POST', `/api/v1/orders/${order.id}/cancel`);
      expectStatus(cancel, 200, 'cancel');
      const canceled = bodyOf<Order>(cancel, 'canceled order');
      assert.equal(canceled.id, order.id);
      assert.equal(canceled.status, 'Canceled', `after cancel: ${JSON.stringify(canceled)}`);
      assert.equal(canceled.cumQty, '0');
      assert.equal(canceled.leavesQty, '0');

      const read = await user.call('GET', `/api/v1/orders/${order.id}`);
      expectStatus(read, 200, 'GET the order');
      assert.equal(bodyOf<Order>(read, 'order').status, 'Canceled');
      // A canceled order is terminal: a second cancel is refused.
      const twice = await user.call('POST', `/api/v1/orders/${order.id}/cancel`);
      expectProblem(twice, 409, 'ALP_ORDERS_NOT_CANCELABLE', 'second cancel');
    },
  },
  {
    id: 'E32',
    title: 'cancel of a filled order answers 409',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const order = await filledBuy(user, 'AAPL', '1');
      const cancel = await user.call('POST', `/api/v1/orders/${order.id}/cancel`);
      expectProblem(cancel, 409, 'ALP_ORDERS_NOT_CANCELABLE', 'cancel of a filled order');
      const read = await user.call('GET', `/api/v1/orders/${order.id}`);
      expectStatus(read, 200, 'GET the order');
      const after = bodyOf<Order>(read, 'order');
      assert.equal(after.status, 'Filled', 'still Filled');
      assert.equal(after.cumQty, '1');
    },
  },
  {
    id: 'E33',
    title: 'an idempotent replay answers the same order once',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const key = `e2e-replay-${randomUUID()}`;
      const body = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' };
      const first = await submitOrder(user, body, key);
      expectStatus(first, 201, 'first request');
      assert.equal(headerOf(first, 'idempotent-replayed'), undefined, 'the first is no replay');
      const second = await submitOrder(user, body, key);
      expectStatus(second, 201, 'replay');
      assert.equal(headerOf(second, 'idempotent-replayed'), 'true', 'the replay says so');
      assert.deepEqual(second.body, first.body, 'the replay answers the same body');
      const order = bodyOf<Order>(first, 'order');
      assert.equal(order.status, 'Filled');

      const orders = await listOrders(user);
      assert.deepEqual(
        orders.map((o) => o.id),
        [order.id],
        'exactly one order exists',
      );
      // And it filled once: one share held.
      const positions = await user.call('GET', '/api/v1/positions');
      expectStatus(positions, 200, 'GET /api/v1/positions');
      const items = bodyOf<{ items: { symbol: string; quantity: string }[] }>(
        positions,
        'positions',
      ).items;
      assert.deepEqual(
        items.map((p) => [p.symbol, p.quantity]),
        [['AAPL', '1']],
      );
    },
  },
  {
    id: 'E34',
    title: 'the same key with a different body answers 422',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const key = `e2e-reuse-${randomUUID()}`;
      const price = await restingBuyPrice(user, 'AAPL');
      const first = await submitOrder(
        user,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: price },
        key,
      );
      expectStatus(first, 201, 'first request');
      const other = await submitOrder(
        user,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '2', limitPrice: price },
        key,
      );
      expectProblem(other, 422, 'ALP_ORDERS_IDEMPOTENCY_KEY_REUSED', 'same key, other quantity');
      const orders = await listOrders(user);
      assert.deepEqual(
        orders.map((o) => [o.id, o.quantity]),
        [[bodyOf<Order>(first, 'order').id, '1']],
        'only the first order exists, unchanged',
      );
    },
  },
  {
    id: 'E35',
    title: 'a missing idempotency key answers 400',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const body = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' };
      const missing = await user.call('POST', '/api/v1/orders', { body });
      expectProblem(missing, 400, 'ALP_ORDERS_IDEMPOTENCY_KEY_MISSING', 'no Idempotency-Key');
      const empty = await user.call('POST', '/api/v1/orders', {
        body,
        headers: { 'idempotency-key': '' },
      });
      expectProblem(empty, 400, 'ALP_ORDERS_IDEMPOTENCY_KEY_MISSING', 'an empty Idempotency-Key');
      assert.deepEqual(await listOrders(user), [], 'no order was placed');
    },
  },
  {
    id: 'E36',
    title: 'quantities and prices as JSON numbers are rejected (400)',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const cases: [string, Record<string, unknown>, string][] = [
        [
          'quantity',
          { symbol: 'AAPL', side: 'buy', type: 'market', quantity: 1 },
          'a numeric quantity',
        ],
        [
          'limitPrice',
          { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: 100.5 },
          'a numeric limit price',
        ],
      ];
      for (const [field, body, what] of cases) {
        const res = await submitOrder(user, body);
        expectProblem(res, 400, 'ALP_ORDERS_INVALID', what);
        const problems = bodyOf<{ problems?: { field: string; code: string }[] }>(
          res,
          what,
        ).problems;
        assert.deepEqual(
          problems?.map((p) => [p.field, p.code]),
          [[field, 'ALP_ORDERS_DECIMAL_NOT_STRING']],
          `${what}: the problem names the field: ${describeAnswer(res)}`,
        );
      }
      assert.deepEqual(await listOrders(user), [], 'no order was placed');
    },
  },
  {
    id: 'E37',
    title: 'the position is updated exactly after fills',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      // One lot of BTC-USD (0.00001) per order: each fills at once, in a single fill.
      const first = await filledBuy(user, 'BTC-USD', '0.00001');
      const second = await filledBuy(user, 'BTC-USD', '0.00001');
      const lot = new D('0.00001');
      const cost = lot.times(first.avgPrice!).plus(lot.times(second.avgPrice!));
      const quantity = new D('0.00002');

      const res = await user.call('GET', '/api/v1/positions');
      expectStatus(res, 200, 'GET /api/v1/positions');
      const items = bodyOf<{ items: Record<string, unknown>[] }>(res, 'positions').items;
      assert.equal(items.length, 1, `one position: ${describeAnswer(res)}`);
      const { updatedAt, ...position } = items[0]!;
      assert.equal(typeof updatedAt, 'string');
      assert.deepEqual(position, {
        symbol: 'BTC-USD',
        quantity: '0.00002',
        costBasis: cost.toFixed(),
        avgCost: cost.div(quantity).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN).toFixed(),
        realizedPnl: '0',
      });
      t.note(`fills at ${first.avgPrice} and ${second.avgPrice}: cost basis ${cost.toFixed()}`);

      // The broker's ledger agrees on the quantity, to the last digit.
      const account = await user.call('GET', '/api/v1/accounts/me');
      expectStatus(account, 200, 'GET /api/v1/accounts/me');
      assert.deepEqual(bodyOf<{ holdings: unknown[] }>(account, 'account').holdings, [
        { symbol: 'BTC-USD', quantity: '0.00002' },
      ]);
    },
  },
  {
    id: 'E38',
    title: "another user's order is 404",
    async run(t) {
      const [owner, other] = await Promise.all([
        t.user({ deposit: '100000.00' }),
        t.user({ deposit: '100000.00' }),
      ]);
      const price = await restingBuyPrice(owner, 'AAPL');
      const order = await placeOrder(
        owner,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: price },
        'the owner places an order',
      );
      assert.equal(order.status, 'New');

      const read = await other.call('GET', `/api/v1/orders/${order.id}`);
      expectProblem(read, 404, 'ALP_ORDERS_NOT_FOUND', "GET another user's order");
      const audit = await other.call('GET', `/api/v1/orders/${order.id}/audit`);
      expectProblem(audit, 404, 'ALP_ORDERS_NOT_FOUND', "GET another user's order audit");
      const cancel = await other.call('POST', `/api/v1/orders/${order.id}/cancel`);
      expectProblem(cancel, 404, 'ALP_ORDERS_NOT_FOUND', "cancel of another user's order");
      assert.deepEqual(await listOrders(other), [], "not in the other user's list");

      // Unknown to the other user, and untouched for its owner.
      const own = await owner.call('GET', `/api/v1/orders/${order.id}`);
      expectStatus(own, 200, 'the owner reads it');
      assert.equal(bodyOf<Order>(own, 'order').status, 'New', 'still resting');
    },
  },
]);
