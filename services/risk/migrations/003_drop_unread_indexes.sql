-- Two indexes no query reads, each written on every order:
-- - reservations_user_open (user_id, symbol) WHERE released_at IS NULL: a check reads the
--   open quantities from exposures (open_buy_qty, open_sell_qty), and a fill finds its
--   reservation by order id. Because its predicate names released_at, releasing a
--   reservation could never be a HOT update: the new row version needed a fresh primary-key
--   entry too.
-- - risk_decisions_user (user_id, created_at): decisions are read by order id only.
DROP INDEX reservations_user_open;
DROP INDEX risk_decisions_user;
