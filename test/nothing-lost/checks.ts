import { reconcileLedger } from '../../services/broker/store/ledger-store.js';
import { Dec } from '../../services/platform/decimal.js';
import { EVENTS_IN_JOB_SQL } from '../../services/platform/events/batch.js';
import { verifyAuditChain, type AuditRecord } from '../../services/trading/domain/audit-chain.js';
import type { Pools } from './drain.js';
import type { OrderRecord } from './order-clients.js';

const LEGAL_SETTLED = new Set([
  'New',
  'PartiallyFilled',
  'Filled',
  'Canceled',
  'Rejected',
  'Expired',
]);

interface OrderRow {
  id: string;
  user_id: string;
  idempotency_key: string;
  client_order_id: string;
  status: string;
  quantity: string;
  cum_qty: string;
}

/**
 * Every invariant of the "nothing lost" test, as a list of violations (empty = pass), so a
 * failure shows all of them at once next to the seed.
 */
export async function findViolations(p: Pools, records: readonly OrderRecord[]): Promise<string[]> {
  const v: string[] = [];
  const { rows: orders } = await p.trading.query<OrderRow>(
    `SELECT id, user_id, idempotency_key, client_order_id, status, quantity::text, cum_qty::text
       FROM orders`,
  );
  const byKey = new Map<string, OrderRow[]>();
  for (const o of orders) {
    const k = `${o.user_id}|${o.idempotency_key}`;
    byKey.set(k, [...(byKey.get(k) ?? []), o]);
  }

  // Acknowledged: exactly once, the acknowledged id, settled in a legal state.
  // Refused: absent. Timed out: at most once.
  for (const r of records) {
    v.push(...r.violations.filter((x) => !x.startsWith('refused 4')).map((x) => `${r.key}: ${x}`));
    const found = byKey.get(`${r.userId}|${r.key}`) ?? [];
    if (r.outcome === 'acked') {
      if (found.length !== 1) v.push(`acked ${r.key} exists ${found.length} times`);
      else if (found[0]!.id !== r.id) v.push(`acked ${r.key} has id ${found[0]!.id}, not ${r.id}`);
      else if (!LEGAL_SETTLED.has(found[0]!.status))
        v.push(`acked ${r.key} ended in ${found[0]!.status}`);
    } else if (r.outcome === 'refused' && found.length !== 0) {
      v.push(`refused ${r.key} exists`);
    } else if (r.outcome === 'timedout' && found.length > 1) {
      v.push(`timed-out ${r.key} exists ${found.length} times`);
    }
  }

  // Fills: never above the quantity; trading's executions are exactly the broker's fills.
  const { rows: over } = await p.trading.query<{ id: string }>(
    `SELECT o.id FROM orders o LEFT JOIN executions e ON e.order_id = o.id
      GROUP BY o.id HAVING o.cum_qty > o.quantity
          OR o.cum_qty <> COALESCE(sum(e.quantity), 0)`,
  );
  for (const o of over) v.push(`order ${o.id}: cum_qty disagrees with quantity or executions`);
  const tradingExecs = (
    await p.trading.query<{ x: string }>(
      `SELECT o.client_order_id || ' ' || e.exec_id || ' ' || e.quantity::text AS x
         FROM executions e JOIN orders o ON o.id = e.order_id`,
    )
  ).rows.map((r) => r.x);
  const brokerFills = (
    await p.broker.query<{ x: string }>(
      `SELECT client_order_id || ' ' || exec_id || ' ' || quantity::text AS x FROM fills`,
    )
  ).rows.map((r) => r.x);
  const t = new Set(tradingExecs);
  const b = new Set(brokerFills);
  for (const x of b) if (!t.has(x)) v.push(`broker fill never reached trading: ${x}`);
  for (const x of t) if (!b.has(x)) v.push(`trading execution unknown to the broker: ${x}`);
  if (t.size !== tradingExecs.length) v.push('a fill was applied twice in trading');

  // Events: each order produced the events its history implies, all published.
  const { rows: events } = await p.trading.query<{ key: string; topic: string; n: number }>(
    `SELECT key, topic, count(*)::int AS n FROM outbox GROUP BY key, topic`,
  );
  const count = (id: string, topic: string) =>
    events.find((e) => e.key === id && e.topic === topic)?.n ?? 0;
  const { rows: execCounts } = await p.trading.query<{ order_id: string; n: number }>(
    'SELECT order_id, count(*)::int AS n FROM executions GROUP BY order_id',
  );
  for (const o of orders) {
    const fills = execCounts.find((e) => e.order_id === o.id)?.n ?? 0;
    const rejected = o.status === 'Rejected';
    const expect = {
      OrderAccepted: rejected || o.status === 'PendingNew' ? 0 : 1,
      OrderRejected: rejected ? 1 : 0,
      OrderFilled: fills,
      OrderCanceled: o.status === 'Canceled' ? 1 : 0,
    };
    for (const [topic, n] of Object.entries(expect)) {
      if (count(o.id, topic) !== n)
        v.push(`order ${o.id} (${o.status}): ${count(o.id, topic)} ${topic}, expected ${n}`);
    }
  }
  const unpublished = await p.trading.query('SELECT id FROM outbox WHERE published_at IS NULL');
  if (unpublished.rowCount) v.push(`${unpublished.rowCount} trading events never published`);

  // Consumers: risk applied every event it consumes once; trading every ExecutionReported.
  const riskTopics = ['OrderFilled', 'OrderCanceled', 'OrderRejected', 'OrderExpired'];
  const wanted = (
    await p.trading.query<{ id: string }>('SELECT id FROM outbox WHERE topic = ANY($1)', [
      riskTopics,
    ])
  ).rows.map((r) => r.id);
  const riskSeen = new Set(
    (
      await p.risk.query<{ event_id: string }>(
        `SELECT event_id FROM processed_events WHERE consumer = 'risk'`,
      )
    ).rows.map((r) => r.event_id),
  );
  const riskMissed = wanted.filter((id) => !riskSeen.has(id));
  if (riskMissed.length) v.push(`risk never applied ${riskMissed.length} events`);
  const reports = (
    await p.broker.query<{ id: string }>(`SELECT id FROM outbox WHERE topic = 'ExecutionReported'`)
  ).rows.map((r) => r.id);
  const tradingSeen = new Set(
    (
      await p.trading.query<{ event_id: string }>(
        `SELECT event_id FROM processed_events WHERE consumer = 'trading'`,
      )
    ).rows.map((r) => r.event_id),
  );
  const tradingMissed = reports.filter((id) => !tradingSeen.has(id));
  if (tradingMissed.length)
    v.push(`trading never applied ${tradingMissed.length} ExecutionReported`);
  // Applied once: risk's exposure equals trading's positions, fill for fill.
  const positions = (
    await p.trading.query<{ k: string; q: string }>(
      `SELECT user_id || ' ' || symbol AS k, quantity::text AS q FROM positions WHERE quantity <> 0`,
    )
  ).rows;
  const exposures = new Map(
    (
      await p.risk.query<{ k: string; q: string }>(
        `SELECT user_id || ' ' || symbol AS k, position::text AS q FROM exposures`,
      )
    ).rows.map((r) => [r.k, r.q]),
  );
  for (const pos of positions) {
    if (!new Dec(exposures.get(pos.k) ?? '0').eq(pos.q))
      v.push(`risk exposure ${pos.k} is ${exposures.get(pos.k)}, trading position ${pos.q}`);
  }
  const dead = await p.bus.query<{ name: string; n: number }>(
    `SELECT name, sum(${EVENTS_IN_JOB_SQL})::int AS n FROM pgboss.job WHERE name LIKE '%.dead' GROUP BY name`,
  );
  for (const d of dead.rows) v.push(`${d.n} dead-lettered on ${d.name}`);

  // Ledger: Σdebits = Σcredits per asset and per journal, running balances equal the lines,
  // and every broker fill was booked (one journal per exec id).
  const ledger = await reconcileLedger(p.broker);
  for (const a of ledger.assets.filter((x) => !new Dec(x.debits).eq(x.credits)))
    v.push(`ledger ${a.asset}: debits ${a.debits} <> credits ${a.credits}`);
  for (const j of ledger.unbalancedJournals) v.push(`ledger journal ${j} does not balance`);
  for (const d of ledger.driftedBalances ?? []) v.push(`running balance ${d} drifted`);
  const unbooked = await p.broker.query<{ exec_id: string }>(
    `SELECT f.exec_id FROM fills f LEFT JOIN ledger_journals j ON j.id = f.exec_id
      WHERE j.id IS NULL`,
  );
  for (const f of unbooked.rows) v.push(`broker fill ${f.exec_id} has no ledger journal`);

  // Audit: every chain verifies and ends in the order's status.
  const { rows: audit } = await p.trading.query<{
    chain_id: string;
    seq: string;
    prev_hash: string;
    hash: string;
    entry: AuditRecord['entry'];
  }>('SELECT chain_id, seq::text, prev_hash, hash, entry FROM audit_log ORDER BY chain_id, seq');
  const chains = new Map<string, AuditRecord[]>();
  for (const a of audit) {
    const list = chains.get(a.chain_id) ?? [];
    list.push({ seq: Number(a.seq), prevHash: a.prev_hash, hash: a.hash, entry: a.entry });
    chains.set(a.chain_id, list);
  }
  for (const o of orders) {
    const chain = chains.get(o.id) ?? [];
    const result = verifyAuditChain(chain);
    if (!result.ok) v.push(`audit chain of ${o.id} broken: ${result.problem} at ${result.seq}`);
    if (chain.at(-1)?.entry.to !== o.status)
      v.push(
        `audit chain of ${o.id} ends in ${String(chain.at(-1)?.entry.to)}, order is ${o.status}`,
      );
  }
  return v;
}
