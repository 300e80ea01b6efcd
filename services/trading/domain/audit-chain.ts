import { canonicalJson, sha256Hex, type JsonValue } from '../../platform/canonical-json.js';

/** prev_hash of the first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditEntry = { readonly [key: string]: JsonValue };

export interface AuditRecord {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly entry: AuditEntry;
}

/** hash = sha256(prevHash + canonical JSON of { seq, entry }): the link and the position are both sealed. */
export function auditHash(prevHash: string, seq: number, entry: AuditEntry): string {
  return sha256Hex(prevHash + canonicalJson({ seq, entry }));
}

/**
 * The next record of a chain. Entries may hold strings, integers, booleans and null
 * only: a fractional number could come back from jsonb spelled differently and break
 * the hash, so decimals go in as strings.
 */
export function appendAudit(previous: AuditRecord | undefined, entry: AuditEntry): AuditRecord {
  assertHashStable(entry);
  const seq = previous === undefined ? 1 : previous.seq + 1;
  const prevHash = previous === undefined ? GENESIS_HASH : previous.hash;
  return { seq, prevHash, hash: auditHash(prevHash, seq, entry), entry };
}

export type AuditVerification =
  | { readonly ok: true; readonly count: number; readonly headHash: string }
  | {
      readonly ok: false;
      /** Index in the given array of the first record that does not verify. */
      readonly index: number;
      readonly seq: number;
      readonly problem: 'seq-gap' | 'prev-hash-mismatch' | 'hash-mismatch';
      readonly expected: string;
      readonly actual: string;
    };

/**
 * Walks a chain (ordered by seq) and returns the first broken link. Verifying a suffix
 * works by passing the last trusted record as `from`.
 */
export function verifyAuditChain(
  records: readonly AuditRecord[],
  from?: AuditRecord,
): AuditVerification {
  let prevHash = from?.hash ?? GENESIS_HASH;
  let expectedSeq = (from?.seq ?? 0) + 1;
  for (const [index, record] of records.entries()) {
    if (record.seq !== expectedSeq) {
      return broken(index, record, 'seq-gap', String(expectedSeq), String(record.seq));
    }
    if (record.prevHash !== prevHash) {
      return broken(index, record, 'prev-hash-mismatch', prevHash, record.prevHash);
    }
    const recomputed = auditHash(prevHash, record.seq, record.entry);
    if (record.hash !== recomputed)
      return broken(index, record, 'hash-mismatch', recomputed, record.hash);
    prevHash = record.hash;
    expectedSeq += 1;
  }
  return { ok: true, count: records.length, headHash: prevHash };
}

function broken(
  index: number,
  record: AuditRecord,
  problem: 'seq-gap' | 'prev-hash-mismatch' | 'hash-mismatch',
  expected: string,
  actual: string,
): AuditVerification {
  return { ok: false, index, seq: record.seq, problem, expected, actual };
}

function assertHashStable(value: JsonValue): void {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new TypeError(`audit entries hold integers only; write ${value} as a decimal string`);
  }
  if (Array.isArray(value)) value.forEach((item: JsonValue) => assertHashStable(item));
  else if (value !== null && typeof value === 'object')
    Object.values(value).forEach((item) => assertHashStable(item));
}
