-- The client order id trading sends to the broker: sha256 of "<user id>:<idempotency key>"
-- (32 hex characters), so a retried request reaches the broker under the same id. Broker
-- execution reports name the order by it.
ALTER TABLE orders ADD COLUMN client_order_id text;
UPDATE orders SET client_order_id = substr(encode(sha256(convert_to(user_id || ':' || idempotency_key, 'UTF8')), 'hex'), 1, 32);
ALTER TABLE orders ALTER COLUMN client_order_id SET NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_client_order_id UNIQUE (client_order_id);

-- Set (committed) just before the order is first sent to the broker. Once set, the broker may
-- hold the order, so a resumed request goes straight back to the broker (which never fills a
-- client order id twice) and never rejects the order on its own, e.g. when risk is down.
ALTER TABLE orders ADD COLUMN routed_at timestamptz;
