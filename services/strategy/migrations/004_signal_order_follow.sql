-- A placed signal's order is followed to its final state: a market order the broker fills in
-- parts answers PartiallyFilled and fills later, and the strategy's position (the sum of
-- filled_quantity) must count what filled later too. Each pass reads back the open orders
-- least recently read first (order_read_at), a bounded number of them.

ALTER TABLE strategy_signals ADD COLUMN order_read_at timestamptz;

COMMENT ON COLUMN strategy_signals.filled_quantity IS
  'What the order has filled, as trading last answered (the strategy''s position is the sum)';

-- The open orders, for the pass that reads them back.
CREATE INDEX strategy_signals_open_orders ON strategy_signals (order_read_at NULLS FIRST)
  WHERE status = 'placed' AND order_status NOT IN ('Filled', 'Canceled', 'Rejected', 'Expired');
