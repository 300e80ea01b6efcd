import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { createTestIdentity, TEST_AUDIENCE, TEST_ISSUER } from '../../../test/support/identity.js';
import { definition } from '../../trading/app.js';
import { configSchema } from '../../trading/config.js';
import { parseConfig } from '../config.js';
import { createService } from '../create-service.js';
import { queueAll } from './outbox.js';
import { createPgBossBus } from './pg-boss-bus.js';
import { eventsPlugin } from './plugin.js';
import type { EventBus, EventEnvelope } from './types.js';
import { until } from '../../../test/support/until.js';

describe.skipIf(!ADMIN_DATABASE_URL)('the events plugin (real PostgreSQL, pg-boss)', () => {
  let db: TestDatabase;
  let busDb: TestDatabase;
  let app: FastifyInstance;
  let pool: pg.Pool;
  let broker: EventBus;

  beforeAll(async () => {
    [db, busDb] = await Promise.all([
      createTestDatabase('events_plugin'),
      createTestDatabase('events_plugin_bus'),
    ]);
    const config = parseConfig(configSchema, {
      SERVICE_NAME: 'trading',
      PORT: 0,
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      BUS_DATABASE_URL: busDb.url,
      AUTH_URL: 'http://127.0.0.1:1',
      RISK_URL: 'http://127.0.0.1:1',
      BROKER_URL: 'http://127.0.0.1:1',
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      SERVICE_CREDENTIAL: 'c'.repeat(43),
    });
    // Trading's tables and event wiring; its consumer turns each report into an event of its
    // own. The relay's idle poll is ten minutes: only a nudge can publish within the test.
    app = await createService(
      {
        ...definition,
        routes: async (s) => {
          await s.register(eventsPlugin, {
            relay: { idleMs: 600_000 },
            handlers: {
              ExecutionReported: async (tx, event: EventEnvelope) => {
                queueAll(tx, [
                  { topic: 'OrderFilled', key: event.key, payload: { cause: event.id } },
                ]);
              },
            },
          });
        },
      },
      config,
      { logger: false, keys: createTestIdentity().keys },
    );
    await app.ready();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    broker = createPgBossBus({ connectionString: busDb.url, service: 'broker' });
    await broker.start();
  });
  afterAll(async () => {
    await broker?.stop();
    await app?.close();
    await pool?.end();
    await db?.drop();
    await busDb?.drop();
  });

  test('events a consumer writes are published on its commit, not at the next poll', async () => {
    const report: EventEnvelope = {
      id: randomUUID(),
      topic: 'ExecutionReported',
      key: 'order-1',
      source: 'broker',
      occurredAt: new Date().toISOString(),
      payload: { clientOrderId: 'order-1' },
    };
    await broker.publish([report]);
    const published = await until('the consumer’s event to be published', async () => {
      const { rows } = await pool.query<{ published: boolean }>(
        `SELECT published_at IS NOT NULL AS published FROM outbox WHERE payload->>'cause' = $1`,
        [report.id],
      );
      return rows[0]?.published ? true : undefined;
    });
    expect(published).toBe(true);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/events_published_total\{[^}]*topic="OrderFilled"[^}]*\} 1\b/);
    // The lag comes from the relay's own polls: nothing is waiting after the nudged one.
    expect(metrics).toMatch(/events_relay_lag_seconds\{[^}]*\} 0\b/);
  });
});
