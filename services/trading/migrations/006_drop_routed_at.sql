-- routed_at was committed just before an order's first call to the broker, so that a resumed
-- request knew the broker might hold the order. A resumed request now asks the broker instead
-- (GET /internal/broker/orders/:clientOrderId), and only the attempt that created the order
-- may reject it without asking. That saves every order one committed UPDATE on the hot path.
ALTER TABLE orders DROP COLUMN routed_at;
