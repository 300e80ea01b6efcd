import type { Journal, Reconciliation } from '../domain/ledger.js';
import type { Tx, WriteTx } from '../../platform/transaction.js';

const POST_JOURNAL = `WITH journal AS (
    INSERT INTO ledger_journals (id, kind) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING
    RETURNING id)
  INSERT INTO ledger_entries (journal_id, account, asset, debit, credit)
  SELECT journal.id, l.account, l.asset, l.debit, l.credit
    FROM journal,
         jsonb_to_recordset($3::jsonb) AS l(account text, asset text, debit numeric, credit numeric)`;

const journalValues = (journal: Journal) => [
  journal.id,
  journal.kind,
  JSON.stringify(journal.lines),
];

/**
 * Posts a journal once, in one statement: its id is the idempotency key (exec id, deposit
 * id), so a second post of the same id writes no entries and answers false. The deferred
 * trigger of migration 001 refuses the commit if any journal does not balance per asset.
 */
export async function postJournal(tx: Tx, journal: Journal): Promise<boolean> {
  const { rowCount } = await tx.query(POST_JOURNAL, journalValues(journal));
  return (rowCount ?? 0) > 0;
}

/** `postJournal` riding with the transaction's next round trip (fills: always fresh). */
export function queueJournal(tx: WriteTx, journal: Journal): void {
  tx.queue(POST_JOURNAL, journalValues(journal));
}

/** Balances of one ledger account per asset (debits minus credits), zero balances left out. */
export async function balancesOf(tx: Tx, account: string): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ asset: string; balance: string }>(
    `SELECT asset, trim_scale(sum(debit) - sum(credit))::text AS balance
       FROM ledger_entries WHERE account = $1 GROUP BY asset
     HAVING sum(debit) <> sum(credit) ORDER BY asset`,
    [account],
  );
  return new Map(rows.map((r) => [r.asset, r.balance]));
}

/** The reconciliation query: Σdebits = Σcredits per asset and within every journal. */
export async function reconcileLedger(tx: Tx): Promise<Reconciliation> {
  const totals = await tx.query<{ asset: string; debits: string; credits: string; ok: boolean }>(
    `SELECT asset, trim_scale(debits)::text AS debits, trim_scale(credits)::text AS credits,
            balanced AS ok
       FROM ledger_reconciliation ORDER BY asset`,
  );
  const unbalanced = await tx.query<{ journal_id: string }>(
    `SELECT DISTINCT journal_id FROM (
       SELECT journal_id FROM ledger_entries GROUP BY journal_id, asset
       HAVING sum(debit) <> sum(credit)) j ORDER BY journal_id`,
  );
  return {
    balanced: unbalanced.rows.length === 0 && totals.rows.every((r) => r.ok),
    assets: totals.rows.map(({ asset, debits, credits }) => ({ asset, debits, credits })),
    unbalancedJournals: unbalanced.rows.map((r) => r.journal_id),
  };
}
