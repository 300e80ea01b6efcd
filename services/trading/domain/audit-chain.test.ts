import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  appendAudit,
  auditHash,
  GENESIS_HASH,
  verifyAuditChain,
  type AuditEntry,
  type AuditRecord,
} from './audit-chain.js';
import { sha256Hex } from '../../platform/canonical-json.js';

function chain(entries: readonly AuditEntry[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const entry of entries) records.push(appendAudit(records.at(-1), entry));
  return records;
}

const entries: AuditEntry[] = [
  { orderId: 'o1', from: null, to: 'PendingNew', at: '2026-01-01T00:00:00.000Z' },
  { orderId: 'o1', from: 'PendingNew', to: 'New', at: '2026-01-01T00:00:00.010Z' },
  { orderId: 'o1', from: 'New', to: 'Filled', at: '2026-01-01T00:00:00.020Z', execId: 'x1' },
];

describe('audit chain', () => {
  test('the first record links to the genesis hash; each hash is sha256(prev + canonical)', () => {
    const [first, second] = chain(entries);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(first?.hash).toBe(
      sha256Hex(
        GENESIS_HASH +
          '{"entry":{"at":"2026-01-01T00:00:00.000Z","from":null,"orderId":"o1","to":"PendingNew"},"seq":1}',
      ),
    );
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash });
  });

  test('an intact chain verifies and reports its head', () => {
    const records = chain(entries);
    expect(verifyAuditChain(records)).toEqual({ ok: true, count: 3, headHash: records[2]?.hash });
    expect(verifyAuditChain([])).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH });
  });

  test('a suffix verifies from its last trusted record', () => {
    const records = chain(entries);
    expect(verifyAuditChain(records.slice(1), records[0])).toMatchObject({ ok: true, count: 2 });
  });

  test('an edited entry is the first broken link', () => {
    const records = chain(entries);
    const tampered = records.map((r, i) =>
      i === 1 ? { ...r, entry: { ...r.entry, to: 'Canceled' } } : r,
    );
    expect(verifyAuditChain(tampered)).toMatchObject({
      ok: false,
      index: 1,
      seq: 2,
      problem: 'hash-mismatch',
    });
  });

  test('a re-hashed edit breaks the next link', () => {
    const records = chain(entries);
    const edited = { ...(records[1] as AuditRecord), entry: { to: 'Canceled' } };
    const rehashed = { ...edited, hash: auditHash(edited.prevHash, edited.seq, edited.entry) };
    expect(
      verifyAuditChain([records[0] as AuditRecord, rehashed, records[2] as AuditRecord]),
    ).toMatchObject({
      ok: false,
      index: 2,
      seq: 3,
      problem: 'prev-hash-mismatch',
    });
  });

  test('a deleted record is a sequence gap', () => {
    const records = chain(entries);
    expect(verifyAuditChain([records[0] as AuditRecord, records[2] as AuditRecord])).toMatchObject({
      ok: false,
      index: 1,
      problem: 'seq-gap',
      expected: '2',
      actual: '3',
    });
  });

  test('refuses fractional numbers in entries', () => {
    expect(() => appendAudit(undefined, { price: 0.1 })).toThrow('write 0.1 as a decimal string');
    expect(() => appendAudit(undefined, { nested: [{ n: 1.5 }] })).toThrow(TypeError);
    expect(appendAudit(undefined, { n: 3 }).seq).toBe(1);
  });

  test('any single change anywhere is found at or before the changed record', () => {
    const entryArb = fc.dictionary(
      fc.string({ maxLength: 5 }),
      fc.oneof(fc.string(), fc.integer(), fc.boolean()),
      {
        maxKeys: 4,
      },
    );
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.string({ minLength: 1 }),
        (es, at, junk) => {
          const records = chain(es);
          const i = at % records.length;
          const target = records[i] as AuditRecord;
          const tampered = [...records];
          tampered[i] = { ...target, entry: { ...target.entry, ['\u0000tamper']: junk } };
          const result = verifyAuditChain(tampered);
          expect(result).toMatchObject({ ok: false, index: i });
        },
      ),
    );
  });
});
