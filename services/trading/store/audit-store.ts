import type { Tx, WriteTx } from '../../platform/transaction.js';
import type { AuditEntry, AuditRecord } from '../domain/audit-chain.js';

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

/** The newest record of each chain (chain id = order id) that has one, in one statement. */
export async function readAuditHeads(
  tx: Tx,
  chainIds: readonly string[],
): Promise<Map<string, AuditRecord>> {
  const { rows } = await tx.query<AuditRow & { chain_id: string }>(
    `SELECT DISTINCT ON (chain_id) chain_id, seq::text, prev_hash, hash, entry, created_at
       FROM audit_log WHERE chain_id = ANY($1::text[]) ORDER BY chain_id, seq DESC`,
    [chainIds],
  );
  return new Map(rows.map((r) => [r.chain_id, toRecord(r)]));
}

/** Records appended to chains, stored in one statement riding with the next round trip. */
export function queueAuditRecords(
  tx: WriteTx,
  records: readonly { readonly chainId: string; readonly record: AuditRecord }[],
): void {
  if (records.length === 0) return;
  tx.queue(
    `INSERT INTO audit_log (chain_id, seq, prev_hash, hash, entry)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[])`,
    [
      records.map((r) => r.chainId),
      records.map((r) => r.record.seq),
      records.map((r) => r.record.prevHash),
      records.map((r) => r.record.hash),
      records.map((r) => JSON.stringify(r.record.entry)),
    ],
  );
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
