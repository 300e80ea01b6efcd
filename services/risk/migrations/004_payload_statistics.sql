-- No planner statistics for columns that are carried, never searched (see trading's 007):
-- autovacuum's ANALYZE would sort and compare these JSON bodies on every pass, and no WHERE,
-- JOIN or ORDER BY reads them.
ALTER TABLE risk_decisions ALTER COLUMN decision SET STATISTICS 0;
ALTER TABLE outbox
  ALTER COLUMN payload SET STATISTICS 0,
  ALTER COLUMN last_error SET STATISTICS 0;
