-- The reconciler looks every two seconds for order requests whose claim went stale without a
-- stored response. Without an index that was a scan of every order ever placed (33 ms at 20,000
-- orders, growing with the table); these rows are few and short-lived.
CREATE INDEX orders_unanswered ON orders (claimed_at) WHERE response_status IS NULL;
