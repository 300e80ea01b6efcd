import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/database.js';
import { createTestIdentity } from '../../test/support/identity.js';
import { parseConfig } from '../platform/index.js';
import { build } from './app.js';
import { configSchema } from './config.js';
import { clientOrderIdFor } from './orders/client-order-id.js';
import { FILL_PRICE, startFakeUpstreams, type FakeUpstreams } from './testing/fake-upstreams.js';
import { testServiceEnv } from '../../test/support/service-env.js';

const identity = createTestIdentity();
const carol = { id: randomUUID() };
const dave = { id: randomUUID() };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const fromStrategy = () => bearer(identity.serviceToken('strategy', 'trading'));

describe.skipIf(!ADMIN_DATABASE_URL)(
  'POST /internal/orders (strategy places orders for users)',
  () => {
    let db: TestDatabase;
    let busDb: TestDatabase;
    let app: FastifyInstance;
    let fake: FakeUpstreams;

    beforeAll(async () => {
      [db, busDb, fake] = await Promise.all([
        createTestDatabase('trading_internal'),
        createTestDatabase('trading_internal_bus'),
        startFakeUpstreams(),
      ]);
      const config = parseConfig(
        configSchema,
        testServiceEnv('trading', db.url, {
          BUS_DATABASE_URL: busDb.url,
          RISK_URL: fake.riskUrl,
          BROKER_URL: fake.brokerUrl,
        }),
      );
      app = await build(config, {
        logger: false,
        keys: identity.keys,
        serviceTokens: { getToken: async (aud) => identity.serviceToken('trading', aud) },
      });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await fake?.close();
      await db?.drop();
      await busDb?.drop();
    });

    const order = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '3' };
    const post = (headers: Record<string, string>, payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/internal/orders', headers, payload });
    const ordersOf = async (user: { id: string }) => {
      const res = await app.inject({
        url: '/api/v1/orders',
        headers: bearer(identity.accessToken(user)),
      });
      expect(res.statusCode).toBe(200);
      return (res.json() as { items: { id: string; quantity: string }[] }).items;
    };

    test.each([
      ['no token', {}, 401],
      ["a user's access token", bearer(identity.accessToken(carol)), 401],
      ['a service token from broker', bearer(identity.serviceToken('broker', 'trading')), 403],
      ['a service token from risk', bearer(identity.serviceToken('risk', 'trading')), 403],
      [
        "strategy's token addressed to risk",
        bearer(identity.serviceToken('strategy', 'risk')),
        401,
      ],
    ])('%s is refused (%i) and places nothing', async (_what, headers, status) => {
      const key = `k-${randomUUID()}`;
      const res = await post(
        { ...headers, 'idempotency-key': key },
        { userId: carol.id, ...order },
      );
      expect(res.statusCode).toBe(status);
      expect(
        fake.broker.orders.some((o) => o.clientOrderId === clientOrderIdFor(carol.id, key)),
      ).toBe(false);
    });

    test("strategy's order is the user's: risk-checked, filled, listed in the user's orders only", async () => {
      const key = `strategy:${randomUUID()}:2026-01-01T00:01:00.000Z`;
      const res = await post(
        { ...fromStrategy(), 'idempotency-key': key },
        { userId: carol.id, ...order },
      );
      expect(res.statusCode).toBe(201);
      const placed = res.json();
      expect(placed).toMatchObject({
        clientOrderId: clientOrderIdFor(carol.id, key),
        symbol: 'AAPL',
        side: 'buy',
        quantity: '3',
        status: 'Filled',
        avgPrice: FILL_PRICE,
      });
      expect(fake.risk.calls.at(-1)).toMatchObject({ userId: carol.id, orderId: placed.id });
      expect(fake.broker.orders.at(-1)).toMatchObject({
        userId: carol.id,
        clientOrderId: clientOrderIdFor(carol.id, key),
      });
      expect((await ordersOf(carol)).map((o) => o.id)).toContain(placed.id);
      expect((await ordersOf(dave)).map((o) => o.id)).not.toContain(placed.id);

      // The same key again (a restart, a second strategy instance): the stored answer, no order.
      const brokerOrders = fake.broker.orders.length;
      const again = await post(
        { ...fromStrategy(), 'idempotency-key': key },
        { userId: carol.id, ...order },
      );
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(placed);
      expect(fake.broker.orders.length).toBe(brokerOrders);
      expect((await ordersOf(carol)).filter((o) => o.id === placed.id)).toHaveLength(1);

      // The same key with another body is the public route's 422.
      const other = await post(
        { ...fromStrategy(), 'idempotency-key': key },
        { userId: carol.id, ...order, quantity: '4' },
      );
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: 'ALP_ORDERS_IDEMPOTENCY_KEY_REUSED' });
    });

    test("GET /internal/orders/:id reads the user's order for strategy only", async () => {
      const key = `strategy:${randomUUID()}:read`;
      const placed = await post(
        { ...fromStrategy(), 'idempotency-key': key },
        { userId: carol.id, ...order },
      );
      expect(placed.statusCode).toBe(201);
      const { id } = placed.json() as { id: string };
      const read = (headers: Record<string, string>, userId: string, orderId = id) =>
        app.inject({
          url: `/internal/orders/${orderId}?userId=${encodeURIComponent(userId)}`,
          headers,
        });

      const mine = await read(fromStrategy(), carol.id);
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toMatchObject({ id, status: 'Filled', cumQty: '3' });
      // As the user reads it: the same view.
      const asUser = await app.inject({
        url: `/api/v1/orders/${id}`,
        headers: bearer(identity.accessToken(carol)),
      });
      expect(mine.json()).toEqual(asUser.json());

      // Another user's id, an unknown order: 404 alike.
      expect((await read(fromStrategy(), dave.id)).json()).toMatchObject({
        code: 'ALP_ORDERS_NOT_FOUND',
      });
      expect((await read(fromStrategy(), carol.id, randomUUID())).statusCode).toBe(404);
      expect((await read(fromStrategy(), '')).json()).toMatchObject({ code: 'ALP_ORDERS_INVALID' });
      // Only strategy: a user's token, another service's.
      expect((await read(bearer(identity.accessToken(carol)), carol.id)).statusCode).toBe(401);
      expect(
        (await read(bearer(identity.serviceToken('risk', 'trading')), carol.id)).statusCode,
      ).toBe(403);
    });

    test.each([
      ['no key', {}, { userId: carol.id, ...order }, 'ALP_ORDERS_IDEMPOTENCY_KEY_MISSING'],
      [
        'a key in the body only (the key is the header, as on the public route)',
        {},
        { userId: carol.id, idempotencyKey: 'b', ...order },
        'ALP_ORDERS_IDEMPOTENCY_KEY_MISSING',
      ],
      ['no userId', { 'idempotency-key': 'x' }, order, 'ALP_ORDERS_INVALID'],
      [
        'a JSON number for the quantity',
        { 'idempotency-key': 'y' },
        { userId: carol.id, ...order, quantity: 3 },
        'ALP_ORDERS_INVALID',
      ],
    ])('%s: 400 %s', async (_what, headers, payload, code) => {
      const res = await post({ ...fromStrategy(), ...headers }, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code });
    });
  },
);
