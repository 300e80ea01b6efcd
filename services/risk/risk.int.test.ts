import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  deadlocksIn,
  type TestDatabase,
} from '../../test/support/database.js';
import {
  createTestIdentity,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestIdentity,
} from '../../test/support/identity.js';
import { randomUUID } from 'node:crypto';
import { createPgBossBus } from '../platform/events/index.js';
import { parseConfig } from '../platform/index.js';
import { build } from './app.js';
import { configSchema } from './config.js';
import { defaultLimitsFrom } from './default-limits.js';
import {
  applyOrderClosed,
  applyOrderCloses,
  applyOrderFilled,
  applyOrderFills,
} from './store/apply-order-events.js';
import { runRiskCheck, type RiskCheckRequest } from './store/run-check.js';
import { runRiskChecks } from './store/run-checks.js';
import { inTransaction } from '../platform/transaction.js';

describe.skipIf(!ADMIN_DATABASE_URL)('risk service (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let id: TestIdentity;
  const config = (url: string) =>
    parseConfig(configSchema, {
      SERVICE_NAME: 'risk',
      PORT: 0,
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      BUS_DATABASE_URL: url,
      AUTH_URL: 'http://127.0.0.1:1',
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      SERVICE_CREDENTIAL: 'c'.repeat(43),
      RISK_DEFAULT_MAX_NOTIONAL: '10000',
      RISK_DEFAULT_MAX_POSITION: '100',
      RISK_DEFAULT_ORDER_RATE: 1000,
    });
  let defaults: ReturnType<typeof defaultLimitsFrom>;

  beforeAll(async () => {
    db = await createTestDatabase('risk_svc');
    id = createTestIdentity();
    const cfg = config(db.url);
    defaults = defaultLimitsFrom(cfg);
    app = await build(cfg, { logger: false, keys: id.keys });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const svc = () => ({ authorization: `Bearer ${id.serviceToken('trading', 'risk')}` });
  const user = (userId: string, roles: string[] = ['trader']) => ({
    authorization: `Bearer ${id.accessToken({ id: userId, roles })}`,
  });
  const check = (body: Partial<RiskCheckRequest> & { userId: string; orderId: string }) =>
    app.inject({
      method: 'POST',
      url: '/internal/risk/check',
      headers: svc(),
      payload: { symbol: 'AAPL', side: 'buy', quantity: '10', price: '100', ...body },
    });

  test('GET / is honest about what is pending', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.json().pending).toEqual([
      'per-user kill switch over HTTP (the table supports it; only the global switch has a route)',
    ]);
  });

  test('an order within the limits is approved; the same orderId answers the first decision', async () => {
    const first = await check({ userId: 'u-approve', orderId: 'o-1', quantity: '10' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ approved: true });
    // Even a different body gets the stored answer (and reserves nothing more).
    const again = await check({ userId: 'u-approve', orderId: 'o-1', quantity: '99' });
    expect(again.json()).toEqual({ approved: true });
    const exposure = await app.inject({ url: '/api/v1/risk/exposure', headers: user('u-approve') });
    expect(exposure.json()).toEqual({
      userId: 'u-approve',
      realizedPnlToday: '0',
      killSwitch: { active: false, reason: null },
      exposures: [{ symbol: 'AAPL', position: '0', openBuyQty: '10', openSellQty: '0' }],
    });
  });

  test('each rule refuses with its name and code; a refusal writes RiskLimitBreached', async () => {
    const notional = await check({
      userId: 'u-rules',
      orderId: 'r-1',
      quantity: '101',
      price: '100',
    });
    expect(notional.json()).toEqual({
      approved: false,
      rule: 'max-order-notional',
      code: 'ALP_RISK_ORDER_NOTIONAL_EXCEEDED',
      reason: 'order notional 10100 exceeds 10000',
    });
    const position = await check({
      userId: 'u-rules',
      orderId: 'r-2',
      quantity: '101',
      price: '1',
    });
    expect(position.json()).toEqual({
      approved: false,
      rule: 'max-position',
      code: 'ALP_RISK_POSITION_LIMIT_EXCEEDED',
      reason: 'position in AAPL could reach 101; the limit is 100',
    });
    const { rows } = await app.pg.query(
      `SELECT topic, key, payload->>'orderId' AS "orderId", payload->>'rule' AS rule
         FROM outbox WHERE key = 'u-rules' ORDER BY created_at, payload->>'orderId'`,
    );
    expect(rows).toEqual([
      { topic: 'RiskLimitBreached', key: 'u-rules', orderId: 'r-1', rule: 'max-order-notional' },
      { topic: 'RiskLimitBreached', key: 'u-rules', orderId: 'r-2', rule: 'max-position' },
    ]);
  });

  test('the check takes service tokens from trading only', async () => {
    const payload = {
      userId: 'u',
      orderId: 'x',
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1',
      price: '1',
    };
    const asUser = await app.inject({
      method: 'POST',
      url: '/internal/risk/check',
      headers: user('u', ['admin']),
      payload,
    });
    expect(asUser.statusCode).toBe(401);
    const asStrategy = await app.inject({
      method: 'POST',
      url: '/internal/risk/check',
      headers: { authorization: `Bearer ${id.serviceToken('strategy', 'risk')}` },
      payload,
    });
    expect(asStrategy.statusCode).toBe(403);
    expect(asStrategy.json().code).toBe('ALP_AUTH_CALLER_FORBIDDEN');
  });

  test('a JSON number as quantity is 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/internal/risk/check',
      headers: svc(),
      payload: { userId: 'u', orderId: 'n', symbol: 'AAPL', side: 'buy', quantity: 1, price: '1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ALP_REQUEST_INVALID');
  });

  test('two checks on two real connections cannot jointly exceed the max position', async () => {
    const order = (orderId: string): RiskCheckRequest => ({
      userId: 'u-race',
      orderId,
      symbol: 'AAPL',
      side: 'buy',
      quantity: '60',
      price: '100',
    });
    await inTransaction(app.pg, (tx) => runRiskCheck(tx, order('warm'), defaults, Date.now()));
    await inTransaction(app.pg, async (tx) => {
      await tx.query(`UPDATE reservations SET remaining = 0 WHERE order_id = 'warm'`);
      await tx.query(`UPDATE exposures SET open_buy_qty = 0 WHERE user_id = 'u-race'`);
    });
    // A third connection holds the row lock until both checks are waiting on it.
    const holder = await app.pg.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM risk_limits WHERE user_id = 'u-race' FOR UPDATE`);
    const pending = Promise.all(
      ['race-1', 'race-2'].map((o) =>
        inTransaction(app.pg, (tx) => runRiskCheck(tx, order(o), defaults, Date.now())),
      ),
    );
    await waitForLockWaiters(app.pg, 2);
    await holder.query('COMMIT');
    holder.release();
    const decisions = await pending;
    expect(decisions.filter((d) => d.approved)).toHaveLength(1);
    expect(decisions.find((d) => !d.approved)).toMatchObject({ rule: 'max-position' });
    const { rows } = await app.pg.query(
      `SELECT trim_scale(open_buy_qty)::text AS q FROM exposures WHERE user_id = 'u-race'`,
    );
    expect(rows).toEqual([{ q: '60' }]);
  });

  test('ten concurrent checks over HTTP approve exactly what fits (notional and position)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        check({ userId: 'u-burst', orderId: `b-${i}`, quantity: '30', price: '300' }),
      ),
    );
    const decisions = answers.map((a) => a.json<{ approved: boolean; rule?: string }>());
    // 30 × 300 = 9000 ≤ 10000 notional each; 100 max position → three orders of 30.
    expect(decisions.filter((d) => d.approved)).toHaveLength(3);
    expect(new Set(decisions.filter((d) => !d.approved).map((d) => d.rule))).toEqual(
      new Set(['max-position']),
    );
    const over = await check({ userId: 'u-burst', orderId: 'b-big', quantity: '34', price: '300' });
    expect(over.json().rule).toBe('max-order-notional');
  });

  const checks = (items: (Partial<RiskCheckRequest> & { userId: string; orderId: string })[]) =>
    app.inject({
      method: 'POST',
      url: '/internal/risk/checks',
      headers: svc(),
      payload: {
        checks: items.map((i) => ({
          symbol: 'AAPL',
          side: 'buy',
          quantity: '30',
          price: '300',
          requestId: `req-${i.orderId}`,
          ...i,
        })),
      },
    });

  test('a batch decides each check as it would alone, in order, users interleaved', async () => {
    const res = await checks([
      { userId: 'u-batch-a', orderId: 'ba-1' },
      { userId: 'u-batch-b', orderId: 'bb-1' },
      { userId: 'u-batch-a', orderId: 'ba-2' },
      { userId: 'u-batch-a', orderId: 'ba-3' },
      { userId: 'u-batch-b', orderId: 'bb-2', quantity: '34' },
      { userId: 'u-batch-a', orderId: 'ba-4' },
      // The same order again: the first decision answers, nothing is reserved twice.
      { userId: 'u-batch-a', orderId: 'ba-1' },
    ]);
    expect(res.statusCode).toBe(200);
    const decisions = res.json<{ decisions: { approved: boolean; rule?: string }[] }>().decisions;
    expect(decisions.map((d) => d.approved || d.rule)).toEqual([
      true,
      true,
      true,
      true,
      'max-order-notional',
      // 3 × 30 = 90 reserved of a max position of 100.
      'max-position',
      true,
    ]);
    const { rows } = await app.pg.query(
      `SELECT user_id, trim_scale(open_buy_qty)::text AS q FROM exposures
        WHERE user_id IN ('u-batch-a', 'u-batch-b') ORDER BY user_id`,
    );
    expect(rows).toEqual([
      { user_id: 'u-batch-a', q: '90' },
      { user_id: 'u-batch-b', q: '30' },
    ]);
  });

  test('concurrent batches naming users in opposite orders never deadlock', async () => {
    const deadlocks = () => deadlocksIn(app.pg);
    const before = await deadlocks();
    const users = ['u-dl-1', 'u-dl-2', 'u-dl-3', 'u-dl-4'];
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, b) => {
        const order = b % 2 === 0 ? users : [...users].reverse();
        return checks(
          order.map((userId) => ({ userId, orderId: `dl-${b}-${userId}`, quantity: '1' })),
        );
      }),
    );
    const all = answers.flatMap((a) => a.json<{ decisions: { approved: boolean }[] }>().decisions);
    expect(all).toHaveLength(32);
    expect(all.every((d) => d.approved)).toBe(true);
    // pg_stat_database counts asynchronously; give the stats collector a moment.
    await new Promise((r) => setTimeout(r, 600));
    expect(await deadlocks()).toBe(before);
  });

  test('a check that fails in the database fails alone; the rest of its batch is decided', async () => {
    const ok = (orderId: string): RiskCheckRequest => ({
      userId: 'u-alone',
      orderId,
      symbol: 'MSFT',
      side: 'buy',
      quantity: '1',
      price: '10',
    });
    // A symbol longer than the exposures table allows: only the store call sees it (the
    // route's schema would refuse it first).
    const bad: RiskCheckRequest = { ...ok('alone-bad'), symbol: 'X'.repeat(21) };
    const { decisions } = await runRiskChecks(
      app.pg,
      [ok('alone-1'), bad, ok('alone-2')],
      defaults,
      Date.now(),
    );
    expect(decisions.map((d) => (d.ok ? d.value.approved : 'failed'))).toEqual([
      true,
      'failed',
      true,
    ]);
  });

  test('the batch route takes service tokens from trading only and at most 256 checks', async () => {
    const one = {
      userId: 'u',
      orderId: 'o',
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1',
      price: '1',
    };
    const asBroker = await app.inject({
      method: 'POST',
      url: '/internal/risk/checks',
      headers: { authorization: `Bearer ${id.serviceToken('broker', 'risk')}` },
      payload: { checks: [one] },
    });
    expect(asBroker.statusCode).toBe(403);
    const tooMany = await app.inject({
      method: 'POST',
      url: '/internal/risk/checks',
      headers: svc(),
      payload: { checks: Array.from({ length: 257 }, (_, i) => ({ ...one, orderId: `o${i}` })) },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().code).toBe('ALP_REQUEST_INVALID');
  });

  test('limits: own read, defaults from config; PUT for risk-officer or admin only', async () => {
    const own = await app.inject({ url: '/api/v1/risk/limits', headers: user('u-limits') });
    expect(own.json()).toEqual({
      userId: 'u-limits',
      maxOrderNotional: '10000',
      maxPositionQty: '100',
      maxDailyLoss: '50000',
      maxOrdersPerMinute: 1000,
      restrictedSymbols: [],
    });
    const body = {
      maxOrderNotional: '500.5',
      maxPositionQty: '5',
      maxDailyLoss: '10',
      maxOrdersPerMinute: 2,
      restrictedSymbols: ['TSLA'],
    };
    const asTrader = await app.inject({
      method: 'PUT',
      url: '/api/v1/risk/limits/u-limits',
      headers: user('u-limits'),
      payload: body,
    });
    expect(asTrader.statusCode).toBe(403);
    expect(asTrader.json().code).toBe('ALP_AUTH_FORBIDDEN');
    const asOfficer = await app.inject({
      method: 'PUT',
      url: '/api/v1/risk/limits/u-limits',
      headers: user('officer', ['risk-officer']),
      payload: body,
    });
    expect(asOfficer.statusCode).toBe(200);
    expect(asOfficer.json()).toEqual({ userId: 'u-limits', ...body });
    const after = await app.inject({ url: '/api/v1/risk/limits', headers: user('u-limits') });
    expect(after.json()).toEqual({ userId: 'u-limits', ...body });
    const restricted = await check({ userId: 'u-limits', orderId: 'l-1', symbol: 'TSLA' });
    expect(restricted.json()).toMatchObject({ approved: false, rule: 'restricted-symbol' });
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/risk/limits/u-limits',
      headers: user('boss', ['admin']),
      payload: { ...body, maxPositionQty: 5, extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'ALP_RISK_LIMITS_INVALID',
      problems: [
        {
          field: 'maxPositionQty',
          message: 'must be a non-negative decimal string with at most 18 fractional digits',
        },
        { field: 'extra', message: 'is not a limit' },
      ],
    });
  });

  test('the kill switch (admin only) refuses every check until it is released', async () => {
    const asTrader = await app.inject({
      method: 'POST',
      url: '/api/v1/risk/kill-switch',
      headers: user('t'),
      payload: { active: true },
    });
    expect(asTrader.statusCode).toBe(403);
    const on = await app.inject({
      method: 'POST',
      url: '/api/v1/risk/kill-switch',
      headers: user('boss', ['admin']),
      payload: { active: true, reason: 'incident 7' },
    });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({
      scope: 'global',
      active: true,
      reason: 'incident 7',
      changedBy: 'boss',
    });
    expect((await check({ userId: 'u-kill', orderId: 'k-1' })).json()).toEqual({
      approved: false,
      rule: 'kill-switch',
      code: 'ALP_RISK_KILL_SWITCH_ACTIVE',
      reason: 'trading is halted: incident 7',
    });
    const off = await app.inject({
      method: 'POST',
      url: '/api/v1/risk/kill-switch',
      headers: user('boss', ['admin']),
      payload: { active: false },
    });
    expect(off.json()).toMatchObject({ active: false, reason: null });
    expect((await check({ userId: 'u-kill', orderId: 'k-2' })).json()).toEqual({ approved: true });
  });

  test('order events published on the bus by trading update exposure once', async () => {
    await check({ userId: 'u-bus', orderId: 'bus-1', quantity: '8', price: '50' });
    const producer = createPgBossBus({ connectionString: db.url, service: 'trading' });
    await producer.start();
    try {
      const base = { source: 'trading' as const, occurredAt: new Date().toISOString() };
      const filled = {
        ...base,
        id: randomUUID(),
        topic: 'OrderFilled' as const,
        key: 'bus-1',
        payload: {
          orderId: 'bus-1',
          userId: 'u-bus',
          symbol: 'AAPL',
          side: 'buy',
          execId: 'x/bus-1/1',
          fillQty: '3',
          fillPrice: '50',
        },
      };
      // The same event twice (a redelivery) and once more under another id (a republish).
      await producer.publish([filled, filled, { ...filled, id: randomUUID() }]);
      await producer.publish([
        {
          ...base,
          id: randomUUID(),
          topic: 'OrderCanceled',
          key: 'bus-1',
          payload: { orderId: 'bus-1', userId: 'u-bus', releasedQty: '5' },
        },
      ]);
      const want = [{ symbol: 'AAPL', position: '3', openBuyQty: '0', openSellQty: '0' }];
      const read = async () =>
        (await app.inject({ url: '/api/v1/risk/exposure', headers: user('u-bus') })).json()
          .exposures;
      expect(await eventually(read, want)).toEqual(want);
    } finally {
      await producer.stop();
    }
  });

  test('fills and closes from events move exposure exactly once', async () => {
    await check({ userId: 'u-ev', orderId: 'e-1', quantity: '10', price: '100' });
    await check({ userId: 'u-ev', orderId: 'e-2', quantity: '5', price: '100', side: 'sell' });
    const fill = {
      orderId: 'e-1',
      userId: 'u-ev',
      symbol: 'AAPL',
      side: 'buy' as const,
      execId: 'x/e-1/1',
      fillQty: '4',
      fillPrice: '100',
    };
    const now = Date.now();
    const apply = () => inTransaction(app.pg, (tx) => applyOrderFilled(tx, fill, defaults, now));
    expect(await apply()).toBe('applied');
    expect(await apply()).toBe('already-applied');
    const sell = {
      ...fill,
      orderId: 'e-2',
      side: 'sell' as const,
      execId: 'x/e-2/1',
      fillQty: '2',
      fillPrice: '90',
    };
    expect(await inTransaction(app.pg, (tx) => applyOrderFilled(tx, sell, defaults, now))).toBe(
      'applied',
    );
    const close = (orderId: string) =>
      inTransaction(app.pg, (tx) => applyOrderClosed(tx, { orderId, userId: 'u-ev' }, defaults));
    expect(await close('e-1')).toBe('applied');
    expect(await close('e-1')).toBe('already-applied');
    expect(await close('never-checked')).toBe('no-reservation');
    const res = await app.inject({ url: '/api/v1/risk/exposure', headers: user('u-ev') });
    expect(res.json()).toEqual({
      userId: 'u-ev',
      realizedPnlToday: '-20',
      killSwitch: { active: false, reason: null },
      exposures: [{ symbol: 'AAPL', position: '2', openBuyQty: '0', openSellQty: '3' }],
    });
  });

  test('a batch of fills and closes applies in order, each exec id once, as one at a time would', async () => {
    await check({ userId: 'u-fb', orderId: 'fb-1', quantity: '10', price: '100' });
    await check({ userId: 'u-fb', orderId: 'fb-2', quantity: '5', price: '100', side: 'sell' });
    await check({ userId: 'v-fb', orderId: 'fb-3', quantity: '3', price: '100' });
    const fill = (orderId: string, execId: string, fillQty: string, extra = {}) => ({
      orderId,
      userId: 'u-fb',
      symbol: 'AAPL',
      side: 'buy' as const,
      execId,
      fillQty,
      fillPrice: '100',
      atMs: Date.now(),
      ...extra,
    });
    const outcomes = await inTransaction(app.pg, (tx) =>
      applyOrderFills(
        tx,
        [
          fill('fb-1', 'x/fb-1/1', '4'),
          fill('fb-3', 'x/fb-3/1', '3', { userId: 'v-fb' }),
          fill('fb-1', 'x/fb-1/2', '4'),
          // The same exec id again in the same batch: applied once.
          fill('fb-1', 'x/fb-1/1', '4'),
          fill('fb-2', 'x/fb-2/1', '2', { side: 'sell', fillPrice: '90' }),
        ],
        defaults,
      ),
    );
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'already-applied', 'applied']);
    const closes = await inTransaction(app.pg, (tx) =>
      applyOrderCloses(
        tx,
        [
          { orderId: 'fb-1', userId: 'u-fb' },
          { orderId: 'fb-1', userId: 'u-fb' },
          { orderId: 'fb-none', userId: 'u-fb' },
        ],
        defaults,
      ),
    );
    expect(closes).toEqual(['applied', 'already-applied', 'no-reservation']);
    const exposure = async (userId: string) =>
      (await app.inject({ url: '/api/v1/risk/exposure', headers: user(userId) })).json();
    // 8 bought at 100 then 2 sold at 90: a realised loss of 20; fb-1's last 2 released.
    expect(await exposure('u-fb')).toMatchObject({
      realizedPnlToday: '-20',
      exposures: [{ symbol: 'AAPL', position: '6', openBuyQty: '0', openSellQty: '3' }],
    });
    expect(await exposure('v-fb')).toMatchObject({
      exposures: [{ symbol: 'AAPL', position: '3', openBuyQty: '0', openSellQty: '0' }],
    });
  });

  test('a batch of fills and a batch of checks naming users in opposite orders never deadlock', async () => {
    const users = ['u-mix-1', 'u-mix-2', 'u-mix-3'];
    for (const u of users)
      await check({ userId: u, orderId: `mix-${u}`, quantity: '1', price: '1' });
    const deadlocks = () => deadlocksIn(app.pg);
    const before = await deadlocks();
    const rounds = Array.from({ length: 6 }, (_, round) => {
      const fills = [...users].reverse().map((u) => ({
        orderId: `mix-${u}`,
        userId: u,
        symbol: 'AAPL',
        side: 'buy' as const,
        execId: `x/mix-${u}/${round}`,
        fillQty: '0.01',
        fillPrice: '1',
        atMs: Date.now(),
      }));
      return Promise.all([
        inTransaction(app.pg, (tx) => applyOrderFills(tx, fills, defaults)),
        checks(users.map((u) => ({ userId: u, orderId: `mix-${u}-${round}`, quantity: '1' }))),
      ]);
    });
    const results = await Promise.all(rounds);
    expect(results.flatMap(([applied]) => applied).every((o) => o === 'applied')).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(await deadlocks()).toBe(before);
  });
});

/** Polls `read` until it returns `want` (the bus delivers asynchronously). */
async function eventually<T>(read: () => Promise<T>, want: T, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(want) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

/** Waits until `n` backends are blocked on a lock in this database. */
async function waitForLockWaiters(pool: pg.Pool, n: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const { rows } = await pool.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.waiting ?? 0) >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} lock waiters after 2 s`);
}
