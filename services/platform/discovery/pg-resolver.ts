import pg from 'pg';
import { createBalancer, type BalancerOptions } from './balancer.js';
import { listInstances } from './pg-registry.js';
import { DISCOVERY_CHANNEL } from './schema.js';
import type { RegisteredInstance, Resolver } from './types.js';

export interface PgResolverOptions extends BalancerOptions {
  /** DISCOVERY_DATABASE_URL */
  readonly connectionString: string;
  /** Re-read period, which also picks up extended leases (default 2 s). */
  readonly refreshMs?: number;
  /** Wait before reconnecting the LISTEN connection (default 1 s). */
  readonly reconnectMs?: number;
  /** A reload or the LISTEN connection failed; the view keeps serving its last state. */
  readonly onError?: (err: unknown) => void;
  /** Called after every successful reload (metrics, tests). */
  readonly onReload?: (instances: readonly RegisteredInstance[]) => void;
}

export interface PgResolver extends Resolver {
  /** Re-reads the registry now (joins a reload in flight). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The gateway's view of the registry: one LISTEN connection announces changes, a re-read of
 * the (small) table rebuilds the view, and lookups are answered from memory. Each instance is
 * kept until its lease deadline as read from the database, so a crashed instance drops out
 * when its lease lapses even if nobody deletes its row. If the database is unreachable the
 * view keeps its last state (leases still run out locally) while reconnecting.
 */
export async function createPgResolver(opts: PgResolverOptions): Promise<PgResolver> {
  const now = opts.now ?? Date.now;
  const balancer = createBalancer(opts);
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: 1 });
  pool.on('error', (err) => opts.onError?.(err));
  let closed = false;
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let dirty = false;

  async function readOnce(): Promise<void> {
    const rows = await listInstances(pool);
    const t = now();
    balancer.setView(rows.map((r) => ({ instance: r, deadline: t + r.leaseRemainingMs })));
    opts.onReload?.(rows);
  }

  function reload(): Promise<void> {
    if (inFlight) {
      dirty = true; // a change arrived mid-read: read once more afterwards
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          dirty = false;
          await readOnce();
        } while (dirty && !closed);
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  const background = () => void reload().catch((err: unknown) => opts.onError?.(err));

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: opts.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel === DISCOVERY_CHANNEL) background();
    });
    const lost = (err?: unknown) => {
      if (listener !== client) return;
      listener = undefined;
      if (err) opts.onError?.(err);
      client.end().catch(() => undefined);
      scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    await client.query(`LISTEN ${DISCOVERY_CHANNEL}`);
    listener = client;
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      listen()
        .then(background) // changes may have been missed while disconnected
        .catch((err: unknown) => {
          opts.onError?.(err);
          scheduleReconnect();
        });
    }, opts.reconnectMs ?? 1_000);
    reconnectTimer.unref();
  }

  await listen();
  await reload();
  const refresh = setInterval(background, opts.refreshMs ?? 2_000);
  refresh.unref();

  return {
    resolve: (service) => balancer.pick(service),
    instances: (service) => balancer.instances(service),
    reportFailure: (i) => balancer.reportFailure(i),
    reportSuccess: (i) => balancer.reportSuccess(i),
    reload,
    async close() {
      closed = true;
      clearInterval(refresh);
      clearTimeout(reconnectTimer);
      const l = listener;
      listener = undefined;
      await inFlight?.catch(() => undefined);
      await l?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
