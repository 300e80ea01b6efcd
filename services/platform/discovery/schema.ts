import type { Pool } from 'pg';

/** Channel on which registry changes are announced (payload: the service name). */
export const DISCOVERY_CHANNEL = 'alphintra_discovery';

/*
 * The registry lives in its own database, `alphintra_discovery`, owned by the role `discovery`
 * (created by the runtime like any service database). Every instance registers there and the
 * gateway listens there, so no service needs access to another's database and it works on the
 * embedded default without Redis.
 *
 * Notifications fire on insert, delete and url/metadata changes, not on heartbeats (which only
 * move lease_expires_at): the resolver re-reads the table on each notification and on a short
 * timer, which is what picks up extended leases.
 */
export const DISCOVERY_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS service_instances (
  service          text NOT NULL CHECK (service ~ '^[a-z][a-z0-9-]{0,62}$'),
  instance_id      text NOT NULL CHECK (length(instance_id) BETWEEN 1 AND 128),
  url              text NOT NULL CHECK (url ~ '^https?://'),
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
  registered_at    timestamptz NOT NULL DEFAULT now(),
  lease_expires_at timestamptz NOT NULL,
  PRIMARY KEY (service, instance_id)
);
CREATE INDEX IF NOT EXISTS service_instances_lease_idx ON service_instances (lease_expires_at);

CREATE OR REPLACE FUNCTION service_instances_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${DISCOVERY_CHANNEL}', coalesce(NEW.service, OLD.service));
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS service_instances_notify ON service_instances;
CREATE TRIGGER service_instances_notify
  AFTER INSERT OR DELETE OR UPDATE OF url, metadata ON service_instances
  FOR EACH ROW EXECUTE FUNCTION service_instances_notify();
`;

/**
 * Creates the registry table and trigger if missing. Idempotent and safe when several
 * instances start at once (serialised by an advisory lock).
 */
export async function ensureDiscoverySchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('alphintra_discovery_schema'))`);
    await client.query(DISCOVERY_SCHEMA_SQL);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
