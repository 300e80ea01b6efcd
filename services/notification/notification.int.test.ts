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
import { testServiceEnv } from '../../test/support/service-env.js';

const id = createTestIdentity();
// Same issuer, audience and kid as `id`, but its own key pair: its tokens must not verify.
const intruder = createTestIdentity({ kid: id.kid });
const alice = { id: randomUUID(), roles: ['trader'] };
const bearer = (token = id.accessToken(alice)) => ({ authorization: `Bearer ${token}` });

describe.skipIf(!ADMIN_DATABASE_URL)('notification service (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await createTestDatabase('notification');
    const config = parseConfig(configSchema, testServiceEnv('notification', db.url));
    app = await build(config, { logger: false, keys: id.keys });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const check = (url: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/notifications/webhooks/check',
      headers: bearer(),
      payload: { url },
    });

  test('GET / lists the inbox as implemented, and no authentication as pending', async () => {
    const res = await app.inject({ url: '/' });
    const { implemented, pending } = res.json<{ implemented: string[]; pending: string[] }>();
    expect(implemented.map((i) => i.split(': ')[0])).toEqual(
      expect.arrayContaining([
        'GET /api/v1/notifications',
        'POST /api/v1/notifications/:id/read',
        'GET /api/v1/notifications/stream',
      ]),
    );
    expect(pending.filter((p) => /inbox|stream|auth|public/i.test(p))).toEqual([]);
  });

  test('the webhook check needs a valid access token', async () => {
    const url = '/api/v1/notifications/webhooks/check';
    const payload = { url: 'https://93.184.215.14/hooks/alphintra' };
    const missing = await app.inject({ method: 'POST', url, payload });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_MISSING' });
    const forged = await app.inject({
      method: 'POST',
      url,
      headers: bearer(intruder.accessToken(alice)),
      payload,
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'ALP_AUTH_TOKEN_INVALID' });
  });

  test('a public IP literal is allowed (no DNS needed)', async () => {
    const res = await check('https://93.184.215.14/hooks/alphintra');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ allowed: true });
  });

  test('the cloud metadata address is refused with 422 and the reason', async () => {
    const res = await check('http://169.254.169.254/latest/meta-data/');
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'https://alphintra.dev/problems/alp-notification-webhook-target-refused',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'webhook target refused: host 169.254.169.254 resolves to a metadata address',
      instance: '/api/v1/notifications/webhooks/check',
      code: 'ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED',
      requestId: expect.any(String),
      reason: 'address-not-public',
      addressClass: 'metadata',
    });
  });

  test.each([
    ['http://localhost:8080/', 'host-not-allowed'],
    ['http://[::ffff:127.0.0.1]/', 'address-not-public'],
    ['https://user:pw@93.184.215.14/', 'credentials-in-url'],
    ['https://93.184.215.14:6379/', 'port-not-allowed'],
    ['javascript:alert(1)', 'scheme-not-allowed'],
  ])('%s is refused (%s)', async (url, reason) => {
    const res = await check(url);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED', reason });
  });

  test('a body without url is a 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/notifications/webhooks/check',
      headers: bearer(),
      payload: { target: 'https://93.184.215.14/' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'ALP_REQUEST_INVALID' });
  });

  test('migration 001 creates the inbox: one row per (user, event), read_at optional', async () => {
    expect(app.migrations).toEqual({
      applied: ['001_inbox', '002_consumer_and_stream'],
      current: '002',
    });
    const user = '6f1c2a4e-8a51-4c1e-9d7e-0f4f8a4b9c11';
    const other = '0b7e3a15-2b8c-4a7f-8f0e-5a2d7c9e1b22';
    const insert = (u: string, e: string) =>
      app.pg.query(
        `INSERT INTO inbox (user_id, event_id, type, payload) VALUES ($1, $2, 'order.filled', $3)
         ON CONFLICT (user_id, event_id) DO NOTHING`,
        [u, e, { orderId: 'o-1', quantity: '1.5' }],
      );
    expect((await insert(user, 'evt-1')).rowCount).toBe(1);
    expect((await insert(user, 'evt-1')).rowCount).toBe(0);
    expect((await insert(other, 'evt-1')).rowCount).toBe(1);
    const { rows } = await app.pg.query(
      'SELECT user_id, event_id, type, payload, read_at FROM inbox ORDER BY id',
    );
    expect(rows).toEqual([
      {
        user_id: user,
        event_id: 'evt-1',
        type: 'order.filled',
        payload: { orderId: 'o-1', quantity: '1.5' },
        read_at: null,
      },
      {
        user_id: other,
        event_id: 'evt-1',
        type: 'order.filled',
        payload: { orderId: 'o-1', quantity: '1.5' },
        read_at: null,
      },
    ]);
    await expect(
      app.pg.query(`INSERT INTO inbox (user_id, event_id, type) VALUES ($1, 'e2', 'Bad Type')`, [
        user,
      ]),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
