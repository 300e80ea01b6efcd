/** Statements for the login_attempts table (services/auth/migrations). */
export const loginAttemptsSql = {
  /** $1 account_key, $2 ip, $3 succeeded */
  record: `INSERT INTO login_attempts (account_key, ip, succeeded) VALUES ($1, $2, $3)`,
  /**
   * $1 account_key, $2 ip, $3 window start (timestamptz). Returns the two FailureSummary inputs
   * of decideLoginAttempt; the account's count starts after its latest success.
   */
  summary: `
    WITH last_ok AS (
      SELECT max(at) AS at FROM login_attempts WHERE account_key = $1 AND succeeded AND at > $3
    ), acc AS (
      SELECT count(*)::int AS failures, max(a.at) AS last_failure_at
        FROM login_attempts a, last_ok
       WHERE a.account_key = $1 AND NOT a.succeeded AND a.at > $3
         AND (last_ok.at IS NULL OR a.at > last_ok.at)
    ), by_ip AS (
      SELECT count(*)::int AS failures, max(at) AS last_failure_at
        FROM login_attempts WHERE ip = $2 AND NOT succeeded AND at > $3
    )
    SELECT acc.failures AS account_failures, acc.last_failure_at AS account_last_failure_at,
           by_ip.failures AS ip_failures, by_ip.last_failure_at AS ip_last_failure_at
      FROM acc, by_ip`,
  /** Housekeeping: attempts older than a day no longer influence any decision. */
  prune: `DELETE FROM login_attempts WHERE at < now() - interval '1 day'`,
} as const;

export function summaryFromRow(row: {
  account_failures: number;
  account_last_failure_at: Date | null;
  ip_failures: number;
  ip_last_failure_at: Date | null;
}) {
  return {
    account: {
      failures: row.account_failures,
      lastFailureAt: row.account_last_failure_at?.getTime() ?? null,
    },
    ip: { failures: row.ip_failures, lastFailureAt: row.ip_last_failure_at?.getTime() ?? null },
  };
}
