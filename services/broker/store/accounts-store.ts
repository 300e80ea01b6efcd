import type { Tx } from '../../platform/transaction.js';

export interface AccountRow {
  readonly accountId: string;
  readonly userId: string;
  readonly currency: string;
}

/**
 * The user's paper account, opened on first use and locked for the rest of the transaction
 * (the upsert's DO UPDATE takes the row lock): orders and deposits of one account run one at
 * a time, so buying power checked here cannot be spent twice by concurrent orders. Reads
 * pass `lock = false`. One statement either way.
 */
export async function lockAccount(tx: Tx, userId: string, lock = true): Promise<AccountRow> {
  const { rows } = await tx.query<{ id: string; currency: string }>(
    lock
      ? `INSERT INTO accounts AS a (user_id) VALUES ($1)
         ON CONFLICT (user_id) DO UPDATE SET user_id = a.user_id RETURNING id, currency`
      : // The outer SELECT cannot see the CTE's insert (one snapshot): UNION ALL covers both.
        `WITH opened AS (
           INSERT INTO accounts (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING
           RETURNING id, currency)
         SELECT id, currency FROM opened
         UNION ALL SELECT id, currency FROM accounts WHERE user_id = $1 LIMIT 1`,
    [userId],
  );
  const row = rows[0] as { id: string; currency: string };
  return { accountId: row.id, userId, currency: row.currency };
}

/**
 * `lockAccount` for several users in one statement, rows locked in ascending user order, so
 * batches that name several users never wait on each other in a cycle. Keyed by user id.
 */
export async function lockAccounts(
  tx: Tx,
  userIds: readonly string[],
): Promise<Map<string, AccountRow>> {
  const users = [...new Set(userIds)];
  const { rows } = await tx.query<{ id: string; user_id: string; currency: string }>(
    `INSERT INTO accounts AS a (user_id) SELECT u FROM unnest($1::text[]) AS u ORDER BY u
     ON CONFLICT (user_id) DO UPDATE SET user_id = a.user_id RETURNING id, user_id, currency`,
    [users],
  );
  return new Map(
    rows.map((r) => [r.user_id, { accountId: r.id, userId: r.user_id, currency: r.currency }]),
  );
}

/** The user's account without creating or locking it. */
export async function findAccount(tx: Tx, userId: string): Promise<AccountRow | undefined> {
  const { rows } = await tx.query<{ id: string; currency: string }>(
    'SELECT id, currency FROM accounts WHERE user_id = $1',
    [userId],
  );
  const row = rows[0];
  return row && { accountId: row.id, userId, currency: row.currency };
}
