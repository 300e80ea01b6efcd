-- No planner statistics for columns that are carried, never searched. Autovacuum analyzes a
-- growing table about once a minute; each ANALYZE reads a sample of up to 30,000 rows and,
-- by default, sorts and compares every column's values to build its statistics. For the
-- JSON bodies and hashes below that was most of the work (ANALYZE of 35,000 orders: 680 ms,
-- 410 ms without these three; outbox 480 -> 200 ms; audit_log 340 -> 180 ms), and no
-- WHERE, JOIN or ORDER BY reads them, so no plan can use what it built.
ALTER TABLE orders
  ALTER COLUMN view SET STATISTICS 0,
  ALTER COLUMN response_body SET STATISTICS 0,
  ALTER COLUMN request_hash SET STATISTICS 0;
ALTER TABLE audit_log
  ALTER COLUMN entry SET STATISTICS 0,
  ALTER COLUMN hash SET STATISTICS 0,
  ALTER COLUMN prev_hash SET STATISTICS 0;
ALTER TABLE outbox
  ALTER COLUMN payload SET STATISTICS 0,
  ALTER COLUMN last_error SET STATISTICS 0;
