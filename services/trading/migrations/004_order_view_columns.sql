-- The view (migration 003) is rebuilt only when a column it shows is written: marking an
-- order routed or taking over its claim no longer rebuilds the same document. Every column
-- the view reads is listed, so no write that can change the view skips it.
DROP TRIGGER orders_view ON orders;
CREATE TRIGGER orders_view
  BEFORE INSERT OR UPDATE OF id, client_order_id, symbol, side, type, quantity, limit_price,
    status, cum_qty, leaves_qty, avg_px, reason, created_at, updated_at
  ON orders FOR EACH ROW EXECUTE FUNCTION orders_set_view();
