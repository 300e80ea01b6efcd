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
 * id), so a second post of the same id writes no entries and answers false. The statement
 * trigger of migration 003 refuses lines that do not balance per journal and asset, and rolls
 * the user accounts' running balances in the same statement.
 */
export async function postJournal(tx: Tx, journal: Journal): Promise<boolean> {
  const { rowCount } = await tx.query(POST_JOURNAL, journalValues(journal));
  return (rowCount ?? 0) > 0;
}

/** `postJournal` riding with the transaction's next round trip (fills: always fresh). */
export function queueJournal(tx: WriteTx, journal: Journal): void {
  tx.queue(POST_JOURNAL, journalValues(journal));
}

/**
 * Journals posted in one statement with the next round trip (fills: always fresh). The
 * statement trigger checks each journal's balance per asset and rolls the running balances,
 * as for one journal.
 */
export function queueJournals(tx: WriteTx, journals: readonly Journal[]): void {
  if (journals.length === 0) return;
  tx.queue(
    `WITH journal AS (
       INSERT INTO ledger_journals (id, kind) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (id) DO NOTHING RETURNING id)
     INSERT INTO ledger_entries (journal_id, account, asset, debit, credit)
     SELECT l.journal_id, l.account, l.asset, l.debit, l.credit
       FROM jsonb_to_recordset($3::jsonb)
            AS l(journal_id text, account text, asset text, debit numeric, credit numeric)
       JOIN journal ON journal.id = l.journal_id`,
    [
      journals.map((j) => j.id),
      journals.map((j) => j.kind),
      JSON.stringify(journals.flatMap((j) => j.lines.map((l) => ({ journal_id: j.id, ...l })))),
    ],
  );
}

/** Balances of several user accounts per asset, from one statement (see balancesOf). */
export async function balancesOfAccounts(
  tx: Tx,
  accounts: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const { rows } = await tx.query<{ account: string; asset: string; balance: string }>(
    `SELECT account, asset, trim_scale(balance)::text AS balance
       FROM ledger_balances WHERE account = ANY($1::text[]) AND balance <> 0`,
    [[...new Set(accounts)]],
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const m = out.get(r.account) ?? new Map<string, string>();
    m.set(r.asset, r.balance);
    out.set(r.account, m);
  }
  return out;
}

/**
 * Balances of one user's ledger account per asset (debits minus credits), zero balances left
 * out: one row per asset from the running balances of migration 003, whatever the history.
 */
export async function balancesOf(tx: Tx, account: string): Promise<Map<string, string>> {
  if (!account.startsWith('user:')) throw new Error(`no running balance for ${account}`);
  const { rows } = await tx.query<{ asset: string; balance: string }>(
    `SELECT asset, trim_scale(balance)::text AS balance
       FROM ledger_balances WHERE account = $1 AND balance <> 0 ORDER BY asset`,
    [account],
  );
  return new Map(rows.map((r) => [r.asset, r.balance]));
}

/**
 * The reconciliation query: Σdebits = Σcredits per asset and within every journal, and every
 * running balance equal to the sum of its account's lines.
 */
export async function reconcileLedger(tx: Tx): Promise<Reconciliation> {
  const [totals, unbalanced, drift] = await Promise.all([
    tx.query<{ asset: string; debits: string; credits: string; ok: boolean }>(
      `SELECT asset, trim_scale(debits)::text AS debits, trim_scale(credits)::text AS credits,
              balanced AS ok
         FROM ledger_reconciliation ORDER BY asset`,
    ),
    tx.query<{ journal_id: string }>(
      `SELECT DISTINCT journal_id FROM (
         SELECT journal_id FROM ledger_entries GROUP BY journal_id, asset
         HAVING sum(debit) <> sum(credit)) j ORDER BY journal_id`,
    ),
    tx.query<{ pair: string }>(
      `SELECT account || ' ' || asset AS pair FROM ledger_balance_drift ORDER BY 1`,
    ),
  ]);
  const driftedBalances = drift.rows.map((r) => r.pair);
  return {
    balanced:
      unbalanced.rows.length === 0 &&
      driftedBalances.length === 0 &&
      totals.rows.every((r) => r.ok),
    assets: totals.rows.map(({ asset, debits, credits }) => ({ asset, debits, credits })),
    unbalancedJournals: unbalanced.rows.map((r) => r.journal_id),
    driftedBalances,
  };
}
