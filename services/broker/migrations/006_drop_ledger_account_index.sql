-- ledger_entries_account (account, asset) served the per-account sums of 001's views. Since
-- 003 a user's balances come from ledger_balances, kept in the statement that posts the lines,
-- and what still sums lines by account (ledger_balance_drift in the reconciliation, and the
-- account_balances view) reads every user line, which is a sequential scan whether or not the
-- index exists. After a `bench order` run the index had been scanned once (003's backfill on an
-- empty table) while it cost every posted line an index entry: six per fill, about 6 % of the
-- write-ahead log records an order writes (pg_get_wal_block_info over a run: 6.35 of ~101 block
-- references per order). An operator who wants one account's history reads it with a filter
-- on the table, at the cost of a scan.
DROP INDEX ledger_entries_account;
