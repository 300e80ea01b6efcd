import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestIdentity } from '../../test/support/identity.js';
import { parseConfig } from '../platform/index.js';
import { build } from './app.js';
import { configSchema } from './config.js';
import { MAX_ALIASES } from './graph/limits.js';

/*
 * The graph over stand-ins for user, trading and broker at the network edge (real HTTP on
 * port 0): each stand-in knows users only by the access token it receives, as the real
 * services do, and records what reached it.
 */

const id = createTestIdentity();
const alice = { id: '11111111-1111-4111-8111-111111111111', roles: ['trader'] };
const bob = { id: '22222222-2222-4222-8222-222222222222', roles: ['trader'] };
const aliceToken = id.accessToken(alice);
const bobToken = id.accessToken(bob);
const tokens = new Map([
  [aliceToken, alice.id],
  [bobToken, bob.id],
]);

interface Seen {
  service: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}
const seen: Seen[] = [];

const order = (over: Record<string, unknown>) => ({
  id: 'a0000000-0000-4000-8000-000000000001',
  clientOrderId: 'c-1',
  symbol: 'AAPL',
  side: 'buy',
  type: 'limit',
  quantity: '2',
  limitPrice: '95.5',
  status: 'New',
  cumQty: '0',
  leavesQty: '2',
  avgPrice: null,
  reason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
let orders: Map<string, ReturnType<typeof order>[]>;

function problem(reply: FastifyReply, status: number, code: string, detail?: string) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ status, code, title: code, ...(detail && { detail }) });
}

/** A stand-in service: authenticates by token, records every request. */
async function stand(service: string, routes: (app: FastifyInstance) => void) {
  const app = Fastify();
  app.addHook('preHandler', async (req: FastifyRequest, reply) => {
    seen.push({ service, method: req.method, url: req.url, headers: req.headers, body: req.body });
    const auth = req.headers.authorization ?? '';
    if (!tokens.has(auth.replace(/^Bearer /, '')))
      return problem(reply, 401, 'ALP_AUTH_TOKEN_INVALID');
  });
  routes(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}
const userOf = (req: FastifyRequest) =>
  tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''))!;

let stands: FastifyInstance[] = [];
let gql: FastifyInstance;
let wsUrl: string;

beforeAll(async () => {
  const user = await stand('user', (app) => {
    app.get('/api/v1/users/me', async (req) => ({
      id: userOf(req),
      email: userOf(req) === alice.id ? 'alice@example.com' : 'bob@example.com',
      displayName: null,
      country: 'DE',
      timezone: null,
      roles: ['trader'],
      kycStatus: 'approved',
    }));
  });
  const trading = await stand('trading', (app) => {
    app.get<{ Querystring: { limit: string } }>('/api/v1/orders', async (req) => ({
      items: (orders.get(userOf(req)) ?? []).slice(0, Number(req.query.limit)),
    }));
    app.get<{ Params: { id: string } }>('/api/v1/orders/:id', async (req, reply) => {
      const o = orders.get(userOf(req))?.find((x) => x.id === req.params.id);
      return o ?? problem(reply, 404, 'ALP_ORDERS_NOT_FOUND', 'order not found');
    });
    app.get('/api/v1/positions', async () => ({
      items: [
        {
          symbol: 'AAPL',
          quantity: '3',
          costBasis: '286.5',
          avgCost: '95.5',
          realizedPnl: '0',
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      ],
    }));
    app.post<{ Body: { quantity: string } }>('/api/v1/orders', async (req, reply) => {
      if (req.body.quantity === '0') {
        return problem(
          reply,
          400,
          'ALP_ORDERS_INVALID',
          'the order is invalid: quantity: must be positive',
        );
      }
      if (req.headers['idempotency-key'] === 'seen-before')
        reply.header('idempotent-replayed', 'true');
      return reply
        .code(201)
        .send(order({ id: 'a0000000-0000-4000-8000-00000000000f', quantity: req.body.quantity }));
    });
  });
  const broker = await stand('broker', (app) => {
    app.get<{ Querystring: { symbols: string } }>('/api/v1/market/quotes', async (req) => ({
      step: 7,
      quotes: [...new Set(req.query.symbols.split(','))].map((symbol) => ({
        symbol,
        step: 7,
        time: '2026-01-01T00:00:07.000Z',
        bid: '99.99',
        ask: '100.01',
        last: '100',
        bidSize: '300',
        askSize: '200',
        currency: 'USD',
      })),
    }));
  });
  stands = [user.app, trading.app, broker.app];
  gql = await build(
    parseConfig(configSchema, {
      SERVICE_NAME: 'graphql-gateway',
      PORT: 0,
      LOG_LEVEL: 'silent',
      AUTH_URL: 'http://127.0.0.1:1',
      JWT_ISSUER: id.issuer,
      JWT_AUDIENCE: id.audience,
      SERVICE_CREDENTIAL: 'c'.repeat(43),
      USER_URL: user.url,
      TRADING_URL: trading.url,
      BROKER_URL: broker.url,
    }),
    { logger: false, keys: id.keys },
  );
  await gql.listen({ port: 0, host: '127.0.0.1' });
  wsUrl = `ws://127.0.0.1:${(gql.server.address() as { port: number }).port}/graphql`;
});

afterAll(async () => {
  await gql?.close();
  await Promise.all(stands.map((s) => s.close()));
});

beforeEach(() => {
  seen.length = 0;
  orders = new Map([
    [alice.id, [order({})]],
    [bob.id, [order({ id: 'b0000000-0000-4000-8000-000000000002', symbol: 'MSFT' })]],
  ]);
});

const ask = (query: string, token?: string, variables?: Record<string, unknown>) =>
  gql.inject({
    method: 'POST',
    url: '/graphql',
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      'x-request-id': 'req-graph-0001',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
    payload: { query, ...(variables && { variables }) },
  });

describe('queries over the services', () => {
  test('one query reads user, trading and broker with the caller token', async () => {
    const res = await ask(
      '{ me { id email roles displayName } orders(limit: 5) { id symbol quantity limitPrice status } positions { symbol quantity avgCost } quotes(symbols: ["MSFT", "AAPL", "MSFT"]) { symbol bid last } }',
      aliceToken,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: {
        me: { id: alice.id, email: 'alice@example.com', roles: ['trader'], displayName: null },
        orders: [
          {
            id: 'a0000000-0000-4000-8000-000000000001',
            symbol: 'AAPL',
            quantity: '2',
            limitPrice: '95.5',
            status: 'New',
          },
        ],
        positions: [{ symbol: 'AAPL', quantity: '3', avgCost: '95.5' }],
        quotes: [
          { symbol: 'MSFT', bid: '99.99', last: '100' },
          { symbol: 'AAPL', bid: '99.99', last: '100' },
          { symbol: 'MSFT', bid: '99.99', last: '100' },
        ],
      },
    });
    expect(seen.map((s) => `${s.service} ${s.method} ${s.url}`).sort()).toEqual([
      'broker GET /api/v1/market/quotes?symbols=MSFT%2CAAPL%2CMSFT',
      'trading GET /api/v1/orders?limit=5',
      'trading GET /api/v1/positions',
      'user GET /api/v1/users/me',
    ]);
    for (const s of seen) {
      expect(s.headers.authorization).toBe(`Bearer ${aliceToken}`);
      expect(s.headers['x-request-id']).toBe('req-graph-0001');
      // Same trace, a new span per call.
      expect(s.headers.traceparent).toMatch(
        /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
      );
      expect(s.headers.traceparent).not.toContain('b7ad6b7169203331');
    }
  });

  test("another user's order is null and never listed", async () => {
    const res = await ask(
      '{ order(id: "a0000000-0000-4000-8000-000000000001") { id } orders { id } }',
      bobToken,
    );
    expect(res.json()).toEqual({
      data: { order: null, orders: [{ id: 'b0000000-0000-4000-8000-000000000002' }] },
    });
  });

  test('without a token user data is ALP_GRAPHQL_UNAUTHENTICATED and no service is called', async () => {
    const res = await ask('{ orders { id } }');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      data: null,
      errors: [
        {
          message: 'this field needs a valid access token (Authorization: Bearer <token>)',
          locations: [{ line: 1, column: 3 }],
          path: ['orders'],
          extensions: { code: 'ALP_GRAPHQL_UNAUTHENTICATED' },
        },
      ],
    });
    expect(seen).toEqual([]);
  });

  test('an invalid token is a 401 with the platform code and challenge', async () => {
    const res = await ask('{ platform { services { name } } }', `${aliceToken}x`);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="alphintra"');
    expect(res.json()).toEqual({
      data: null,
      errors: [{ message: 'the token is invalid', extensions: { code: 'ALP_AUTH_TOKEN_INVALID' } }],
    });
  });

  test.each([
    ['{ orders(limit: 0) { id } }', 'limit'],
    ['{ orders(limit: 101) { id } }', 'limit'],
    ['{ quotes(symbols: []) { symbol } }', 'symbols'],
    ['{ quotes(symbols: ["A,B"]) { symbol } }', 'symbols'],
  ])('%s is ALP_GRAPHQL_ARGUMENT_INVALID', async (query, argument) => {
    const res = await ask(query, aliceToken);
    expect(res.statusCode).toBe(400);
    const [error] = res.json<{ errors: { message: string; extensions: unknown }[] }>().errors;
    expect(error!.extensions).toEqual({ code: 'ALP_GRAPHQL_ARGUMENT_INVALID' });
    expect(error!.message).toMatch(new RegExp(`^argument ${argument} is invalid`));
    expect(seen).toEqual([]);
  });
});

describe('placeOrder', () => {
  const PLACE =
    'mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { replayed order { id quantity } } }';
  const input = { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '2', limitPrice: '95.50' };

  test('forwards the body and the Idempotency-Key; a replay says so', async () => {
    const first = await ask(PLACE, aliceToken, { input, key: 'k-1' });
    expect(first.json()).toEqual({
      data: {
        placeOrder: {
          replayed: false,
          order: { id: 'a0000000-0000-4000-8000-00000000000f', quantity: '2' },
        },
      },
    });
    expect(seen).toMatchObject([
      {
        service: 'trading',
        method: 'POST',
        url: '/api/v1/orders',
        headers: { 'idempotency-key': 'k-1', authorization: `Bearer ${aliceToken}` },
        body: input,
      },
    ]);
    const replay = await ask(PLACE, aliceToken, { input, key: 'seen-before' });
    expect(replay.json()).toMatchObject({ data: { placeOrder: { replayed: true } } });
  });

  test('a market order is sent without limitPrice', async () => {
    const { limitPrice: _, ...market } = { ...input, type: 'market' };
    await ask(PLACE, aliceToken, { input: { ...market, limitPrice: null }, key: 'k-2' });
    expect(seen[0]!.body).toEqual(market);
  });

  test("trading's refusal keeps its code, detail and status", async () => {
    const res = await ask(PLACE, aliceToken, { input: { ...input, quantity: '0' }, key: 'k-3' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      data: null,
      errors: [
        {
          message: 'the order is invalid: quantity: must be positive',
          extensions: { code: 'ALP_ORDERS_INVALID', service: 'trading', status: 400 },
        },
      ],
    });
  });

  test.each([
    [{ ...input, quantity: 2 }, 'Decimal must be a string'],
    [{ ...input, quantity: '1e3' }, 'Decimal must be a string'],
  ])('a decimal that is not a decimal string never reaches trading (%j)', async (bad, message) => {
    const res = await ask(PLACE, aliceToken, { input: bad, key: 'k-4' });
    expect(res.statusCode).toBe(400);
    const [error] = res.json<{ errors: { message: string; extensions: unknown }[] }>().errors;
    expect(error!.message).toContain(message);
    expect(error!.extensions).toEqual({ code: 'ALP_GRAPHQL_DECIMAL_INVALID' });
    expect(seen).toEqual([]);
  });

  test('an empty idempotency key is refused before trading', async () => {
    const res = await ask(PLACE, aliceToken, { input, key: '' });
    expect(res.json()).toMatchObject({
      errors: [{ extensions: { code: 'ALP_GRAPHQL_ARGUMENT_INVALID' } }],
    });
    expect(seen).toEqual([]);
  });
});

describe('limits', () => {
  test(`more than ${MAX_ALIASES} aliases are refused`, async () => {
    const fields = (n: number) =>
      Array.from({ length: n }, (_, i) => `a${i}: platform { services { name } }`).join(' ');
    expect((await ask(`{ ${fields(MAX_ALIASES)} }`)).statusCode).toBe(200);
    const res = await ask(`{ ${fields(MAX_ALIASES + 1)} }`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      data: null,
      errors: [
        {
          message: `the operation uses ${MAX_ALIASES + 1} aliases; at most ${MAX_ALIASES} are allowed`,
          extensions: { code: 'ALP_GRAPHQL_TOO_MANY_ALIASES' },
        },
      ],
    });
  });

  test('fragments count where they are spread (no fan-out by fragment reuse)', async () => {
    const spreads = Array.from({ length: 40 }, () => '...F').join(' ');
    const query = `query { platform { services { ${spreads} } } } fragment F on Service { name summary port dependsOn dependencies { name summary port dependsOn } }`;
    const res = await ask(query);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      errors: [{ extensions: { code: 'ALP_GRAPHQL_TOO_MANY_FIELDS' } }],
    });
  });
});

/** A graphql-transport-ws session: sends, and collects messages until `until` says stop. */
async function session(
  auth: string | undefined,
  subscribe: Record<string, unknown>,
  until: (messages: { type: string; id?: string; payload?: unknown }[]) => boolean,
  during?: () => Promise<void>,
) {
  const ws = new WebSocket(wsUrl, ['graphql-transport-ws']);
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timeout: ${JSON.stringify(messages)}`)),
      5_000,
    );
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as { type: string; id?: string; payload?: unknown };
      if (m.type === 'ping') return;
      messages.push(m);
      if (m.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: 's1', type: 'subscribe', payload: subscribe }));
        if (during) setTimeout(() => void during(), 300);
      }
      if (until(messages)) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  await new Promise<void>((resolve) => (ws.onopen = () => resolve()));
  ws.send(
    JSON.stringify({ type: 'connection_init', payload: auth ? { authorization: auth } : {} }),
  );
  try {
    await done;
  } finally {
    ws.close();
  }
  return messages;
}

describe('subscriptions over WebSocket', () => {
  test('orderUpdated sends the order, each change, then completes at a final state', async () => {
    const messages = await session(
      `Bearer ${aliceToken}`,
      {
        query:
          'subscription { orderUpdated(id: "a0000000-0000-4000-8000-000000000001") { id status leavesQty } }',
      },
      (ms) => ms.some((m) => m.type === 'complete' || m.type === 'error'),
      async () => {
        orders.set(alice.id, [
          order({ status: 'Canceled', leavesQty: '0', updatedAt: '2026-01-01T00:00:01.000Z' }),
        ]);
      },
    );
    expect(messages).toEqual([
      { type: 'connection_ack' },
      {
        type: 'next',
        id: 's1',
        payload: {
          data: {
            orderUpdated: {
              id: 'a0000000-0000-4000-8000-000000000001',
              status: 'New',
              leavesQty: '2',
            },
          },
        },
      },
      {
        type: 'next',
        id: 's1',
        payload: {
          data: {
            orderUpdated: {
              id: 'a0000000-0000-4000-8000-000000000001',
              status: 'Canceled',
              leavesQty: '0',
            },
          },
        },
      },
      { type: 'complete', id: 's1', payload: null },
    ]);
    expect(new Set(seen.map((s) => s.headers.authorization))).toEqual(
      new Set([`Bearer ${aliceToken}`]),
    );
  });

  test("another user's order is ALP_ORDERS_NOT_FOUND", async () => {
    const messages = await session(
      `Bearer ${bobToken}`,
      { query: 'subscription { orderUpdated(id: "a0000000-0000-4000-8000-000000000001") { id } }' },
      (ms) => ms.some((m) => m.type === 'error'),
    );
    expect(messages[1]).toEqual({
      type: 'error',
      id: 's1',
      payload: [
        {
          message: 'order not found',
          extensions: { code: 'ALP_ORDERS_NOT_FOUND', service: 'trading', status: 404 },
        },
      ],
    });
  });

  test('myOrders sends orders placed after subscribing', async () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    const messages = await session(
      `Bearer ${aliceToken}`,
      { query: 'subscription { myOrders { id status } }' },
      (ms) => ms.some((m) => m.type === 'next' || m.type === 'error'),
      async () => {
        orders
          .get(alice.id)!
          .unshift(order({ id: 'a0000000-0000-4000-8000-000000000003', updatedAt: later }));
      },
    );
    expect(messages[1]).toEqual({
      type: 'next',
      id: 's1',
      payload: {
        data: { myOrders: { id: 'a0000000-0000-4000-8000-000000000003', status: 'New' } },
      },
    });
  });

  test.each([
    [
      'no token',
      undefined,
      'ALP_GRAPHQL_UNAUTHENTICATED',
      'this field needs a valid access token (Authorization: Bearer <token>)',
    ],
    ['a forged token', `Bearer ${aliceToken}x`, 'ALP_AUTH_TOKEN_INVALID', 'the token is invalid'],
  ])('%s: the subscription is refused', async (_label, auth, code, message) => {
    const messages = await session(auth, { query: 'subscription { myOrders { id } }' }, (ms) =>
      ms.some((m) => m.type === 'error'),
    );
    expect(messages[1]).toMatchObject({
      type: 'error',
      id: 's1',
      payload: [{ message, extensions: { code } }],
    });
    expect(seen).toEqual([]);
  });

  test('a subscription is validated like a query', async () => {
    const messages = await session(
      `Bearer ${aliceToken}`,
      { query: 'subscription { myOrders { nope } }' },
      (ms) => ms.some((m) => m.type === 'error'),
    );
    expect(messages[1]).toEqual({
      type: 'error',
      id: 's1',
      payload: [
        {
          message: 'Cannot query field "nope" on type "Order". Did you mean "type"?',
          locations: [{ line: 1, column: 27 }],
          extensions: { code: 'ALP_GRAPHQL_OPERATION_INVALID' },
        },
      ],
    });
  });
});
