import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { ADMIN_DATABASE_URL } from '../support/database.js';
import { findViolations } from './checks.js';
import { busBacklog, drain, type Pools } from './drain.js';
import { injectFaults, type Fault } from './fault-injector.js';
import {
  cancelWithRetries,
  placeWithRetries,
  type ClientSettings,
  type Instrument,
  type OrderRecord,
} from './order-clients.js';
import { startPlatform, type PlatformUnderTest } from './platform-under-test.js';
import { createPrng } from './prng.js';

/*
 * Nothing lost: concurrent clients place orders (retrying under the same Idempotency-Key)
 * against real trading, risk and broker processes while a seeded fault injector SIGKILLs and
 * restarts them; then everything heals, the outboxes drain, and every invariant is checked.
 * Replay a failure with NOTHING_LOST_SEED=<the printed seed>.
 */

const SEED = Number(process.env.NOTHING_LOST_SEED || Math.floor(Math.random() * 2 ** 31));
const LOAD_MS = 15_000;
const CLIENTS = 4;
const USERS = 3;
const MAX_KILLS = 6;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ADMIN_DATABASE_URL)('nothing lost under crashes and retries', () => {
  let platform: PlatformUnderTest | undefined;
  let pools: Pools | undefined;
  afterAll(async () => {
    await Promise.all(Object.values(pools ?? {}).map((p: pg.Pool) => p.end()));
    await platform?.close();
  });

  test(`seed ${SEED}`, { timeout: 150_000 }, async () => {
    const records: OrderRecord[] = [];
    let faults: Fault[] = [];
    try {
      platform = await startPlatform(SEED);
      const { identity, services, databases } = platform;
      const pool = (url: string) => new pg.Pool({ connectionString: url, max: 2 });
      pools = {
        trading: pool(databases.trading.url),
        risk: pool(databases.risk.url),
        broker: pool(databases.broker.url),
        bus: pool(databases.bus.url),
      };
      const users = Array.from({ length: USERS }, (_, i) => `nl-${SEED}-user-${i}`);
      const token = (id: string) => identity.accessToken({ id, roles: ['trader'] });
      const broker = services.broker.url;
      for (const u of users) {
        const res = await fetch(`${broker}/api/v1/accounts/me/deposits`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token(u)}`,
            'content-type': 'application/json',
            'idempotency-key': `deposit-${u}`,
          },
          body: JSON.stringify({ amount: '100000000', currency: 'USD' }),
        });
        expect(res.status).toBe(201);
      }
      const { instruments } = (await (
        await fetch(`${broker}/api/v1/market/instruments`)
      ).json()) as { instruments: { symbol: string; tickSize: string; lotSize: string }[] };
      const chosen = instruments.slice(0, 3);
      const { quotes } = (await (
        await fetch(
          `${broker}/api/v1/market/quotes?symbols=${chosen.map((i) => i.symbol).join(',')}`,
        )
      ).json()) as { quotes: { symbol: string; bid: string; ask: string }[] };
      const market: Instrument[] = chosen.map((i) => {
        const q = quotes.find((x) => x.symbol === i.symbol)!;
        return { ...i, bid: q.bid, ask: q.ask };
      });
      const settings: ClientSettings = {
        tradingUrl: services.trading.url,
        token,
        instruments: market,
        orderDeadlineMs: 25_000,
      };

      const loadEnd = Date.now() + LOAD_MS;
      // The market moves while orders rest, so some limit orders fill later (ExecutionReported).
      const clock = setInterval(() => {
        fetch(`${broker}/api/v1/market/clock/advance`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token(users[0]!)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ steps: 2 }),
          signal: AbortSignal.timeout(2_000),
        }).catch(() => {});
      }, 1_000);
      const clients = Array.from({ length: CLIENTS }, async (_, c) => {
        const prng = createPrng(SEED + c + 1);
        const user = users[c % USERS]!;
        while (Date.now() < loadEnd) {
          const record = await placeWithRetries(prng, settings, user);
          records.push(record);
          if (
            record.outcome === 'acked' &&
            (record.status === 'New' || record.status === 'PartiallyFilled') &&
            prng.chance(0.4)
          ) {
            await cancelWithRetries(prng, settings, record);
          }
          await sleep(prng.int(20, 150));
        }
      });
      const injector = injectFaults(createPrng(SEED ^ 0x5eed), services, loadEnd, MAX_KILLS);
      [faults] = await Promise.all([injector, ...clients]);
      clearInterval(clock);

      // Heal: everything up, then let the outboxes, the bus and the reconciler finish.
      for (const s of Object.values(services)) await s.start();
      const left = await drain(pools, 40_000);
      const violations = [
        ...(await findViolations(pools, records)),
        ...(await busBacklog(pools)).map((b) => `still queued: ${b}`),
      ];
      const acked = records.filter((r) => r.outcome === 'acked').length;
      console.log(
        `nothing-lost seed=${SEED}: ${records.length} orders (${acked} acked, ` +
          `${records.filter((r) => r.outcome === 'timedout').length} timed out, ` +
          `${records.filter((r) => r.outcome === 'refused').length} refused), ` +
          `${records.reduce((n, r) => n + r.attempts, 0)} attempts, faults ${JSON.stringify(faults)}`,
      );
      expect({ left, violations }).toEqual({
        left: {
          tradingOutbox: 0,
          riskOutbox: 0,
          brokerOutbox: 0,
          busQueued: 0,
          unsettledOrders: 0,
        },
        violations: [],
      });
      expect(acked).toBeGreaterThan(10);
      expect(faults.length).toBeGreaterThan(0);
    } catch (err) {
      console.error(
        `nothing-lost FAILED with seed ${SEED} (rerun: NOTHING_LOST_SEED=${SEED}); faults ${JSON.stringify(faults)}`,
      );
      if (process.env.NOTHING_LOST_DEBUG && pools) {
        for (const [name, pool] of Object.entries(pools)) {
          const { rows } = await (pool as pg.Pool).query(
            `SELECT application_name, state, wait_event_type, wait_event, left(query, 120) AS q,
                    now() - query_start AS for
               FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          console.error(`--- ${name} sessions\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
        }
        const jobs = await pools.bus.query(
          `SELECT state, count(*)::int n, min(created_on) AS first, max(created_on) AS last,
                  max(started_on) AS started, max(retry_count) AS retries, min(policy) AS policy,
                  min(priority) AS prio, min(start_after) AS sa, now() AS now
             FROM pgboss.job WHERE name = 'risk.OrderRejected' GROUP BY state`,
        );
        console.error(`JOBS ${JSON.stringify(jobs.rows)}`);
        const stuck = await pools.bus.query(
          `SELECT id, data->'events'->0->>'id' AS event, created_on, started_on, singleton_key, singleton_on, keep_until, expire_in::text
             FROM pgboss.job WHERE name = 'risk.OrderRejected' AND state = 'created' LIMIT 3`,
        );
        console.error(`STUCK ${JSON.stringify(stuck.rows)}`);
        const locks = await pools.bus.query(
          `SELECT a.application_name, a.state, l.mode, l.granted, l.relation::regclass::text AS rel
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND l.locktype <> 'virtualxid'`,
        );
        console.error(`LOCKS ${JSON.stringify(locks.rows)}`);
        const m = await fetch(`${platform!.services.risk.url}/metrics`).then((r) => r.text());
        console.error(
          m
            .split('\n')
            .filter((l) => l.startsWith('events_'))
            .join('\n'),
        );
      }
      for (const s of Object.values(platform?.services ?? {})) {
        console.error(`--- ${s.name} (last lines)\n${s.tail()}`);
      }
      throw err;
    }
  });
});
