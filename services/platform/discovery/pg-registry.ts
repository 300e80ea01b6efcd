import type { Pool } from 'pg';
import type { RegisteredInstance, Registry } from './types.js';

/** Reads the remaining lease with the database's clock, so host clock skew does not matter. */
const LIST = `
  SELECT service, instance_id, url, metadata,
         (extract(epoch FROM lease_expires_at - now()) * 1000)::bigint AS remaining_ms
    FROM service_instances
   WHERE lease_expires_at > now()
   ORDER BY service, instance_id`;

export interface InstanceRow {
  service: string;
  instance_id: string;
  url: string;
  metadata: Record<string, string>;
  remaining_ms: string;
}

export function instanceFromRow(r: InstanceRow): RegisteredInstance {
  return {
    service: r.service,
    instanceId: r.instance_id,
    url: r.url,
    metadata: r.metadata,
    leaseRemainingMs: Number(r.remaining_ms),
  };
}

export async function listInstances(pool: Pick<Pool, 'query'>): Promise<RegisteredInstance[]> {
  const { rows } = await pool.query<InstanceRow>(LIST);
  return rows.map(instanceFromRow);
}

/** The registry in PostgreSQL (schema: schema.ts). */
export function createPgRegistry(pool: Pool): Registry {
  return {
    async register(i, leaseMs) {
      await pool.query(
        `INSERT INTO service_instances (service, instance_id, url, metadata, lease_expires_at)
         VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')
         ON CONFLICT (service, instance_id) DO UPDATE
           SET url = EXCLUDED.url, metadata = EXCLUDED.metadata,
               registered_at = now(), lease_expires_at = EXCLUDED.lease_expires_at`,
        [i.service, i.instanceId, i.url, JSON.stringify(i.metadata ?? {}), leaseMs],
      );
    },
    async heartbeat(service, instanceId, leaseMs) {
      const res = await pool.query(
        `UPDATE service_instances SET lease_expires_at = now() + $3 * interval '1 millisecond'
          WHERE service = $1 AND instance_id = $2`,
        [service, instanceId, leaseMs],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async deregister(service, instanceId) {
      await pool.query('DELETE FROM service_instances WHERE service = $1 AND instance_id = $2', [
        service,
        instanceId,
      ]);
    },
    list: () => listInstances(pool),
    async evictExpired() {
      const res = await pool.query('DELETE FROM service_instances WHERE lease_expires_at <= now()');
      return res.rowCount ?? 0;
    },
  };
}
