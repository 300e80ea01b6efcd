-- ledger_entries_journal served one query: 001's deferred balance check, which read a
-- journal's lines once per line at commit. 003 replaced that check with a statement trigger
-- that reads only the statement's own rows, and nothing else looks lines up by journal (the
-- reconciliation groups the whole table). The index still cost every posted line an index
-- entry: six per fill, about a twentieth of the write-ahead log an order writes.
DROP INDEX ledger_entries_journal;
