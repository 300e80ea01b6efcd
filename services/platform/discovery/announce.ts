import { hostname } from 'node:os';
import pg from 'pg';
import { createPgRegistry } from './pg-registry.js';
import { startRegistration } from './registration.js';
import { ensureDiscoverySchema } from './schema.js';
import type { ServiceInstance } from './types.js';

export interface AnnounceOptions {
  /** DISCOVERY_DATABASE_URL */
  readonly connectionString: string;
  readonly service: string;
  /** INSTANCE_ID; defaults to `<hostname>-<pid>` so two processes never share a row. */
  readonly instanceId?: string | undefined;
  /** The listen host (HOST); a wildcard address is advertised as loopback. */
  readonly host?: string | undefined;
  /** The port actually bound (PORT may have been 0). */
  readonly port: number;
  readonly leaseMs?: number;
  readonly heartbeatMs?: number;
  /** A heartbeat failed (the next one retries); the caller logs it. */
  readonly onError?: (err: unknown) => void;
}

export interface Announcement {
  readonly instance: ServiceInstance;
  /** Deregisters and closes the registry connection; never throws (shutdown must go on). */
  stop(): Promise<void>;
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

/** The URL other processes reach this instance on. */
export function advertisedUrl(host: string | undefined, port: number): string {
  const h = host === undefined || WILDCARD.has(host) ? '127.0.0.1' : host;
  return `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`;
}

/**
 * Registers a listening instance in the discovery registry (creating the schema if this is the
 * first instance ever), keeps its lease alive, and on `stop` removes it. Used by runService
 * when DISCOVERY_DATABASE_URL is set.
 */
export async function announceInstance(opts: AnnounceOptions): Promise<Announcement> {
  // Bounded waits: a registry outage must not hold a start or a shutdown for long.
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: 2,
    connectionTimeoutMillis: 3_000,
    query_timeout: 3_000,
  });
  pool.on('error', (err) => opts.onError?.(err));
  const instance: ServiceInstance = {
    service: opts.service,
    instanceId: opts.instanceId ?? `${hostname()}-${process.pid}`,
    url: advertisedUrl(opts.host, opts.port),
    metadata: { pid: String(process.pid) },
  };
  try {
    await ensureDiscoverySchema(pool);
    const registration = await startRegistration(createPgRegistry(pool), instance, {
      ...(opts.leaseMs !== undefined && { leaseMs: opts.leaseMs }),
      ...(opts.heartbeatMs !== undefined && { heartbeatMs: opts.heartbeatMs }),
      ...(opts.onError && { onError: opts.onError }),
    });
    return {
      instance,
      async stop() {
        try {
          await registration.stop();
        } catch (err) {
          // The lease still lapses on its own; shutdown must not wait on the registry.
          opts.onError?.(err);
        } finally {
          await pool.end().catch(() => undefined);
        }
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
