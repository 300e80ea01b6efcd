import type { Tx, WriteTx } from '../../platform/transaction.js';
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

const INSERT_AUDIT = `INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry)
  VALUES ($1, $2, $3, $4, $5)`;

/** The newest record of a chain (chain id = order id), or undefined for an empty chain. */
export async function readAuditHead(tx: Tx, chainId: string): Promise<AuditRecord | undefined> {
  const { rows } = await tx.query<AuditRow>(
    `SELECT seq::text, prev_hash, hash, entry, created_at FROM audit_log
      WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1`,
    [chainId],
  );
  return rows[0] && toRecord(rows[0]);
}

/**
 * Appends to an order's audit chain in the caller's transaction, after `head` (the chain's
 * newest record, read under the order's row lock, or the record the previous append
 * returned; undefined for an empty chain). The insert rides with the transaction's next
 * round trip; the (chain_id, prev_hash) constraint refuses a fork anyway.
 */
export function queueAuditEntry(
  tx: WriteTx,
  chainId: string,
  entry: AuditEntry,
  head: AuditRecord | undefined,
): AuditRecord {
  const record = appendAudit(head, entry);
  tx.queue(INSERT_AUDIT, [
    chainId,
    record.seq,
    record.prevHash,
    record.hash,
    JSON.stringify(record.entry),
  ]);
  return record;
}

export async function loadAuditChain(
  client: Tx,
  chainId: string,
): Promise<(AuditRecord & { createdAt: string })[]> {
  const { rows } = await client.query<AuditRow>(
    `SELECT seq::text, prev_hash, hash, entry, created_at FROM audit_log
      WHERE chain_id = $1 ORDER BY seq`,
    [chainId],
  );
  return rows.map((r) => ({ ...toRecord(r), createdAt: r.created_at.toISOString() }));
}
