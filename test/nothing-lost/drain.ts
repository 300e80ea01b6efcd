import type pg from 'pg';

export interface Pools {
  readonly trading: pg.Pool;
  readonly risk: pg.Pool;
  readonly broker: pg.Pool;
  readonly bus: pg.Pool;
}

async function n(pool: pg.Pool, sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(sql);
  return rows[0]!.n;
}

/** What is still moving: unpublished outbox rows, queued deliveries, unsettled orders. */
export async function pending(p: Pools): Promise<Record<string, number>> {
  const outbox = 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL';
  return {
    tradingOutbox: await n(p.trading, outbox),
    riskOutbox: await n(p.risk, outbox),
    brokerOutbox: await n(p.broker, outbox),
    // Only the consumers running here (notification and user queues fill up unread).
    busQueued: await n(
      p.bus,
      `SELECT count(*)::int AS n FROM pgboss.job
        WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '%.dead'
          AND (name LIKE 'risk.%' OR name LIKE 'trading.%')`,
    ),
    unsettledOrders: await n(
      p.trading,
      `SELECT count(*)::int AS n FROM orders
        WHERE response_status IS NULL OR status IN ('PendingNew', 'PendingCancel')`,
    ),
  };
}

/** Waits until nothing is moving twice in a row; returns what was still pending at the end. */
export async function drain(p: Pools, timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const now = await pending(p);
    quiet = Object.values(now).every((v) => v === 0) ? quiet + 1 : 0;
    if (quiet >= 2 || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Deliveries still queued for the running consumers, by queue and state (for a failure report). */
export async function busBacklog(p: Pools): Promise<string[]> {
  const { rows } = await p.bus.query<{ x: string }>(
    `SELECT name || ' ' || state || ' n=' || count(*) || ' maxRetry=' || max(retry_count)
            || ' startAfterIn=' || max(extract(epoch FROM start_after - now()))::int
            || 's age=' || max(extract(epoch FROM now() - created_on))::int
            || 's ' || left(coalesce(max(output::text), ''), 300) AS x
       FROM pgboss.job
      WHERE state IN ('created', 'retry', 'active')
        AND (name LIKE 'risk.%' OR name LIKE 'trading.%')
      GROUP BY name, state ORDER BY name, state`,
  );
  return rows.map((r) => r.x);
}
