-- The order as the API shows it (trading's orderView), as JSON text kept by Postgres on
-- every write, so a list page passes fifty stored documents through instead of building
-- them on each read. Decimals are canonical (trim_scale: no trailing zeros) and timestamps
-- are JavaScript's toISOString format (UTC, milliseconds truncated). orders.int.test.ts
-- checks that list items equal the single-order view of the same orders.
CREATE FUNCTION orders_set_view() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.view := json_build_object(
    'id', NEW.id, 'clientOrderId', NEW.client_order_id, 'symbol', NEW.symbol,
    'side', NEW.side, 'type', NEW.type,
    'quantity', trim_scale(NEW.quantity)::text,
    'limitPrice', trim_scale(NEW.limit_price)::text,
    'status', NEW.status,
    'cumQty', trim_scale(NEW.cum_qty)::text,
    'leavesQty', trim_scale(NEW.leaves_qty)::text,
    'avgPrice', trim_scale(NEW.avg_px)::text,
    'reason', NEW.reason,
    'createdAt', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updatedAt', to_char(NEW.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text;
  RETURN NEW;
END
$$;

ALTER TABLE orders ADD COLUMN view text;
CREATE TRIGGER orders_view BEFORE INSERT OR UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION orders_set_view();
-- Existing orders: the trigger fills the column.
UPDATE orders SET view = NULL;
ALTER TABLE orders ALTER COLUMN view SET NOT NULL;
