import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'undici';
import type { E2eUser } from '../context.js';
import { bodyOf, describeAnswer, expectProblem, expectStatus } from '../expect.js';
import type { HttpResult } from '../http.js';
import { area } from '../suite.js';
import { listOrders, placeOrder, restingBuyPrice, type Order } from './trading.js';

/** Nests `dependencies` `levels` times under platform.services: depth = levels + 3. */
const nested = (levels: number) =>
  `{ platform { services { ${'dependencies { '.repeat(levels)}name${' }'.repeat(levels)} } } }`;

interface GraphError {
  message: string;
  path?: string[];
  extensions?: { code?: string; service?: string; status?: number };
}
interface GraphAnswer<T> {
  data?: T | null;
  errors?: GraphError[];
}

/** POST /graphql through the gateway as `user`; the raw answer. */
function graph(user: E2eUser, query: string, variables?: Record<string, unknown>) {
  return user.call('POST', '/graphql', { body: { query, ...(variables && { variables }) } });
}

/** A GraphQL answer that must hold data and no errors. */
function dataOf<T>(res: HttpResult, what: string): T {
  expectStatus(res, 200, what);
  const body = bodyOf<GraphAnswer<T>>(res, what);
  assert.equal(body.errors, undefined, `${what}: no errors, got ${describeAnswer(res)}`);
  assert.ok(body.data, `${what}: data, got ${describeAnswer(res)}`);
  return body.data;
}

/** The `extensions.code` of each error of an answer (in order). */
function errorCodes(res: HttpResult, what: string): (string | undefined)[] {
  const errors = bodyOf<GraphAnswer<unknown>>(res, what).errors ?? [];
  return errors.map((e) => e.extensions?.code);
}

/** The fields of an order both the graph and REST show (timestamps aside). */
const ORDER_FIELDS =
  'id clientOrderId symbol side type quantity limitPrice status cumQty leavesQty avgPrice reason';
const restView = (o: Order) => ({
  id: o.id,
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  type: o.type,
  quantity: o.quantity,
  limitPrice: o.limitPrice,
  status: o.status,
  cumQty: o.cumQty,
  leavesQty: o.leavesQty,
  avgPrice: o.avgPrice,
  reason: o.reason,
});

const PLACE = `mutation Place($input: PlaceOrderInput!, $key: String!) {
  placeOrder(input: $input, idempotencyKey: $key) { replayed order { ${ORDER_FIELDS} } }
}`;
interface Placed {
  placeOrder: { replayed: boolean; order: ReturnType<typeof restView> };
}

const QUOTE_FIELDS = ['symbol', 'time', 'bid', 'ask', 'last', 'bidSize', 'askSize', 'currency'];

/**
 * The graph's quotes are the broker's, decimal strings and all. The simulated market moves a
 * step at a time, so the two reads are compared when they saw the same step (`time`).
 */
async function sameQuotesAsBroker(user: E2eUser): Promise<void> {
  const pick = (q: Record<string, unknown>) =>
    Object.fromEntries(QUOTE_FIELDS.map((f) => [f, q[f]]));
  for (let attempt = 1; ; attempt++) {
    const viaGraph = dataOf<{ quotes: Record<string, unknown>[] }>(
      await graph(user, `{ quotes(symbols: ["MSFT", "AAPL"]) { ${QUOTE_FIELDS.join(' ')} } }`),
      'quotes',
    ).quotes;
    const rest = await user.call('GET', '/api/v1/market/quotes?symbols=MSFT,AAPL');
    expectStatus(rest, 200, 'GET /api/v1/market/quotes');
    const viaBroker = bodyOf<{ quotes: Record<string, unknown>[] }>(rest, 'quotes').quotes;
    if (viaGraph[0]?.time === viaBroker[0]?.time || attempt === 5) {
      assert.deepEqual(viaGraph, viaBroker.map(pick), "the broker's quotes at the same step");
      return;
    }
  }
}

interface WsMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/** A graphql-transport-ws client: every message kept in order, read with `next`. */
class GraphSocket {
  private readonly messages: WsMessage[] = [];
  private readonly waiters: (() => void)[] = [];
  private closed: string | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as WsMessage;
      // Keep-alive: answered, never handed to the test.
      if (message.type === 'ping') return ws.send(JSON.stringify({ type: 'pong' }));
      if (message.type === 'pong') return;
      this.messages.push(message);
      this.waiters.splice(0).forEach((w) => w());
    };
    ws.onclose = (event) => {
      this.closed = `closed ${event.code} ${event.reason}`;
      this.waiters.splice(0).forEach((w) => w());
    };
  }

  /** Opens the socket and completes connection_init with `authorization` (if any). */
  static async open(url: string, signal: AbortSignal, authorization?: string) {
    const ws = new WebSocket(url, ['graphql-transport-ws']);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`WebSocket ${url} did not open`));
    });
    signal.addEventListener('abort', () => ws.close(), { once: true });
    assert.equal(ws.protocol, 'graphql-transport-ws', 'the subprotocol is accepted');
    const socket = new GraphSocket(ws);
    socket.send({
      type: 'connection_init',
      payload: authorization ? { authorization } : {},
    });
    assert.deepEqual(await socket.next(), { type: 'connection_ack' }, 'connection acknowledged');
    return socket;
  }

  send(message: WsMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  subscribe(id: string, query: string): void {
    this.send({ id, type: 'subscribe', payload: { query } });
  }

  /** The next message (the test's deadline bounds the wait). */
  async next(): Promise<WsMessage> {
    for (;;) {
      const message = this.messages.shift();
      if (message) return message;
      if (this.closed) throw new Error(`the socket ${this.closed} while a message was awaited`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.ws.close();
  }
}

export const graphql = area('graphql', [
  {
    id: 'E56',
    title: 'a query across two services',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const price = await restingBuyPrice(user, 'MSFT');
      const order = await placeOrder(
        user,
        { symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '3', limitPrice: price },
        `limit buy 3 MSFT at ${price}`,
      );
      assert.equal(order.status, 'New', `rests: ${JSON.stringify(order)}`);

      // One query: the profile (user), the orders and positions (trading), quotes (broker).
      const res = await graph(
        user,
        `{
          me { id email roles displayName }
          orders(limit: 10) { ${ORDER_FIELDS} }
          order(id: "${order.id}") { id status limitPrice }
          positions { symbol quantity }
          quotes(symbols: ["MSFT", "AAPL"]) { symbol currency bid ask last }
        }`,
      );
      const data = dataOf<{
        me: unknown;
        orders: unknown[];
        order: unknown;
        positions: unknown[];
        quotes: { symbol: string; currency: string }[];
      }>(res, 'me + orders + positions + quotes');
      assert.deepEqual(data.me, {
        id: user.id,
        email: user.email,
        roles: ['trader'],
        displayName: null,
      });
      assert.deepEqual(data.orders, [restView(order)], 'the one order, as trading shows it');
      assert.deepEqual(data.order, { id: order.id, status: 'New', limitPrice: order.limitPrice });
      assert.deepEqual(data.positions, [], 'nothing filled, no position');
      assert.deepEqual(
        data.quotes.map((q) => [q.symbol, q.currency]),
        [
          ['MSFT', 'USD'],
          ['AAPL', 'USD'],
        ],
        'quotes in the order asked',
      );
      await sameQuotesAsBroker(user);
      t.note(`one query over user, trading and broker in ${Math.round(res.ms)} ms`);
    },
  },
  {
    id: 'E57',
    title: 'a mutation placing an order',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const key = `e2e-gql-${randomUUID()}`;
      const input = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' };

      const first = dataOf<Placed>(await graph(user, PLACE, { input, key }), 'placeOrder');
      const order = first.placeOrder.order;
      assert.equal(first.placeOrder.replayed, false, 'a new order');
      assert.equal(order.status, 'Filled', `the market order fills: ${JSON.stringify(order)}`);
      assert.deepEqual(
        [order.symbol, order.side, order.type, order.quantity, order.limitPrice],
        ['AAPL', 'buy', 'market', '1', null],
      );
      assert.deepEqual([order.cumQty, order.leavesQty, order.reason], ['1', '0', null]);
      assert.match(order.avgPrice ?? '', /^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/, 'a fill price');

      // Trading holds exactly this order, placed once.
      const read = await user.call('GET', `/api/v1/orders/${order.id}`);
      expectStatus(read, 200, 'GET the order from trading');
      assert.deepEqual(restView(bodyOf<Order>(read, 'order')), order);

      // The same key and input replay the same order; nothing new is placed.
      const again = dataOf<Placed>(await graph(user, PLACE, { input, key }), 'placeOrder again');
      assert.deepEqual(again.placeOrder, { replayed: true, order });
      assert.deepEqual(
        (await listOrders(user)).map((o) => o.id),
        [order.id],
        'one order in trading',
      );

      // The same key with another input is trading's 422, carried with its code.
      const reused = await graph(user, PLACE, { input: { ...input, quantity: '2' }, key });
      expectStatus(reused, 422, 'same key, other input');
      assert.deepEqual(errorCodes(reused, 'reuse'), ['ALP_ORDERS_IDEMPOTENCY_KEY_REUSED']);
      // An invalid order is trading's 400; a number for a decimal never reaches it.
      const invalid = await graph(user, PLACE, {
        input: { ...input, quantity: '0' },
        key: `e2e-gql-${randomUUID()}`,
      });
      expectStatus(invalid, 400, 'quantity 0');
      assert.deepEqual(errorCodes(invalid, 'quantity 0'), ['ALP_ORDERS_INVALID']);
      const float = await graph(user, PLACE, {
        input: { ...input, quantity: 1 },
        key: `e2e-gql-${randomUUID()}`,
      });
      expectStatus(float, 400, 'quantity as a number');
      assert.deepEqual(errorCodes(float, 'quantity as a number'), ['ALP_GRAPHQL_DECIMAL_INVALID']);
      assert.deepEqual(
        (await listOrders(user)).map((o) => o.id),
        [order.id],
        'still one order in trading',
      );
    },
  },
  {
    id: 'E58',
    title: 'a subscription receiving an order update',
    async run(t) {
      const user = await t.user({ deposit: '100000.00' });
      const price = await restingBuyPrice(user, 'AAPL');
      const order = await placeOrder(
        user,
        { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '2', limitPrice: price },
        `limit buy 2 AAPL at ${price}`,
      );
      assert.equal(order.status, 'New', `rests: ${JSON.stringify(order)}`);

      // Through the gateway, as a browser would: it tunnels the upgrade to graphql-gateway.
      const url = `${t.gateway.replace(/^http/, 'ws')}/graphql`;
      const socket = await GraphSocket.open(url, t.signal, `Bearer ${user.accessToken}`);
      try {
        socket.subscribe(
          'watch',
          `subscription { orderUpdated(id: "${order.id}") { id status cumQty leavesQty } }`,
        );
        // The order as it is now, first.
        assert.deepEqual(await socket.next(), {
          type: 'next',
          id: 'watch',
          payload: {
            data: { orderUpdated: { id: order.id, status: 'New', cumQty: '0', leavesQty: '2' } },
          },
        });
        // A change made elsewhere (REST through the gateway) arrives, then the stream ends.
        const cancel = await user.call('POST', `/api/v1/orders/${order.id}/cancel`);
        expectStatus(cancel, 200, 'cancel');
        assert.deepEqual(await socket.next(), {
          type: 'next',
          id: 'watch',
          payload: {
            data: {
              orderUpdated: { id: order.id, status: 'Canceled', cumQty: '0', leavesQty: '0' },
            },
          },
        });
        assert.deepEqual(await socket.next(), { type: 'complete', id: 'watch', payload: null });
      } finally {
        socket.close();
      }

      // Without a token the subscription is refused, and nothing about the order is sent.
      const anonymous = await GraphSocket.open(url, t.signal);
      try {
        anonymous.subscribe('anon', `subscription { orderUpdated(id: "${order.id}") { id } }`);
        const refused = await anonymous.next();
        assert.equal(refused.type, 'error', `refused: ${JSON.stringify(refused)}`);
        assert.deepEqual(
          (refused.payload as GraphError[]).map((e) => e.extensions?.code),
          ['ALP_GRAPHQL_UNAUTHENTICATED'],
        );
      } finally {
        anonymous.close();
      }
    },
  },
  {
    id: 'E59',
    title: 'the depth limit is enforced',
    async run(t) {
      const user = await t.user();
      // Depth 8 (platform > services > dependencies x5 > name) is the most allowed.
      const atLimit = await user.call('POST', '/graphql', { body: { query: nested(5) } });
      expectStatus(atLimit, 200, 'a query of depth 8');
      const data = bodyOf<{ data?: { platform?: { services?: unknown[] } }; errors?: unknown }>(
        atLimit,
        'depth 8',
      );
      assert.equal(data.errors, undefined, 'no errors at the limit');
      assert.equal(data.data?.platform?.services?.length, 10, 'every service listed');

      for (const [levels, depth] of [
        [6, 9],
        [20, 23],
      ] as const) {
        const res = await user.call('POST', '/graphql', { body: { query: nested(levels) } });
        expectStatus(res, 400, `a query of depth ${depth}`);
        assert.deepEqual(res.body, {
          data: null,
          errors: [
            {
              message: `\`unnamedQuery query depth (${depth}) exceeds the query depth limit of 8\``,
            },
          ],
        });
      }
      // The same refusal for a named operation sent by GET.
      const named = `query Deep ${nested(6)}`;
      const viaGet = await user.call('GET', `/graphql?query=${encodeURIComponent(named)}`);
      expectStatus(viaGet, 400, 'a deep query by GET');
      assert.deepEqual(bodyOf(viaGet, 'GET').errors, [
        { message: '`Deep query depth (9) exceeds the query depth limit of 8`' },
      ]);
    },
  },
  {
    id: 'E60',
    title: "another user's objects are invisible",
    async run(t) {
      const [owner, other] = await Promise.all([
        t.user({ deposit: '100000.00' }),
        t.user({ deposit: '100000.00' }),
      ]);
      const price = await restingBuyPrice(owner, 'MSFT');
      const theirs = await placeOrder(
        owner,
        { symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '4', limitPrice: price },
        `owner's limit buy 4 MSFT at ${price}`,
      );
      const mine = await placeOrder(
        other,
        { symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '1', limitPrice: price },
        `other's limit buy 1 MSFT at ${price}`,
      );

      // The other user sees only their own: the owner's order by id is null, never listed.
      const seen = dataOf<{ me: { id: string }; order: unknown; orders: { id: string }[] }>(
        await graph(other, `{ me { id } order(id: "${theirs.id}") { id status } orders { id } }`),
        "another user's order",
      );
      assert.deepEqual(seen, { me: { id: other.id }, order: null, orders: [{ id: mine.id }] });

      // Canceling it through the graph is trading's 404, and the order stays as it was.
      const cancel = await graph(other, `mutation { cancelOrder(id: "${theirs.id}") { id } }`);
      expectStatus(cancel, 404, "cancel another user's order");
      assert.deepEqual(errorCodes(cancel, 'cancel'), ['ALP_ORDERS_NOT_FOUND']);
      const still = dataOf<{ order: { id: string; status: string } | null }>(
        await graph(owner, `{ order(id: "${theirs.id}") { id status } }`),
        'owner reads the order',
      );
      assert.deepEqual(still.order, { id: theirs.id, status: 'New' });

      // No token: the gateway refuses at the edge, and graphql-gateway itself serves no user data.
      const edge = await t.call('POST', '/graphql', { body: { query: '{ orders { id } }' } });
      expectProblem(edge, 401, 'ALP_AUTH_TOKEN_MISSING', 'the graph without a token');
      const direct = await t.direct('graphql-gateway', 'POST', '/graphql', {
        body: { query: '{ orders { id } }' },
      });
      expectStatus(direct, 401, 'graphql-gateway without a token');
      assert.deepEqual(errorCodes(direct, 'anonymous'), ['ALP_GRAPHQL_UNAUTHENTICATED']);
      assert.equal(bodyOf<GraphAnswer<unknown>>(direct, 'anonymous').data, null, 'no data');
    },
  },
]);
