import type pg from 'pg';
import { appendAudit, type AuditEntry, type AuditRecord } from '../domain/audit-chain.js';

interface AuditRow {
  seq: string;
  prev_hash: string;
  hash: string;
  entry: AuditEntry;
  created_at: Date;
}

const toRecord = (r: AuditRow): AuditRecord => ({
  seq: Number(r.seq),
  prevHash: r.prev_hash,
  hash: r.hash,
  entry: r.entry,
});

/**
 * Appends to an order's audit chain (chain id = order id) in the caller's transaction. The
 * caller holds the order's row lock, so no other writer races for the head; the
 * (chain_id, prev_hash) constraint would refuse a fork anyway. A caller that already knows the
 * head in this transaction (`null`: the order was created in it; or the record its previous
 * append returned) passes it as `head` and saves the round trip that reads it.
 */
export async function appendAuditEntry(
  client: pg.ClientBase,
  chainId: string,
  entry: AuditEntry,
  head?: AuditRecord | null,
): Promise<AuditRecord> {
  let previous: AuditRecord | undefined;
  if (head === undefined) {
    const { rows } = await client.query<AuditRow>(
      `SELECT seq::text, prev_hash, hash, entry, created_at FROM audit_log
        WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1`,
      [chainId],
    );
    previous = rows[0] && toRecord(rows[0]);
  } else {
    previous = head ?? undefined;
  }
  const record = appendAudit(previous, entry);
  await client.query(
    `INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry) VALUES ($1, $2, $3, $4, $5)`,
    [chainId, record.seq, record.prevHash, record.hash, JSON.stringify(record.entry)],
  );
  return record;
}

export async function loadAuditChain(
  client: Pick<pg.ClientBase, 'query'>,
  chainId: string,
): Promise<(AuditRecord & { createdAt: string })[]> {
  const { rows } = await client.query<AuditRow>(
    `SELECT seq::text, prev_hash, hash, entry, created_at FROM audit_log
      WHERE chain_id = $1 ORDER BY seq`,
    [chainId],
  );
  return rows.map((r) => ({ ...toRecord(r), createdAt: r.created_at.toISOString() }));
}
