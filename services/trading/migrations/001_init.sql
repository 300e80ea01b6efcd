-- trading: orders, executions, positions, the audit chain, the outbox and the inbox.
-- Money and quantities are numeric: numeric(38,18) where a value is an input (quantity,
-- price), plain numeric where it is a sum of products (notional, cost basis, P&L) whose
-- scale can exceed 18 digits; nothing is ever stored as a float.

CREATE TABLE orders (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 200),
  -- The Idempotency-Key header; it travels to the broker as the client order id.
  idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  -- sha256 of the canonical JSON request body: same key + other body = 422.
  request_hash     text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  symbol           text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 20),
  side             text NOT NULL CHECK (side IN ('buy', 'sell')),
  type             text NOT NULL CHECK (type IN ('market', 'limit')),
  quantity         numeric(38,18) NOT NULL CHECK (quantity > 0),
  limit_price      numeric(38,18) CHECK (limit_price > 0),
  status           text NOT NULL DEFAULT 'PendingNew' CHECK (status IN (
                     'PendingNew', 'New', 'PartiallyFilled', 'Filled',
                     'PendingCancel', 'Canceled', 'Rejected', 'Expired')),
  cum_qty          numeric(38,18) NOT NULL DEFAULT 0 CHECK (cum_qty >= 0),
  leaves_qty       numeric(38,18) NOT NULL CHECK (leaves_qty >= 0),
  cum_notional     numeric NOT NULL DEFAULT 0 CHECK (cum_notional >= 0),
  avg_px           numeric(38,18),
  reason           text,
  -- The stored response, replayed for the same key and body. NULL while in progress.
  response_status  integer CHECK (response_status BETWEEN 100 AND 599),
  response_body    jsonb,
  -- When the in-progress claim was taken: an old unfinished claim may be resumed.
  claimed_at       timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- Keys are per user and never expire with the order row (kept >= 24 h by construction).
  CONSTRAINT orders_user_idempotency_key UNIQUE (user_id, idempotency_key),
  CONSTRAINT orders_limit_price_iff_limit CHECK ((type = 'limit') = (limit_price IS NOT NULL)),
  CONSTRAINT orders_no_overfill CHECK (cum_qty <= quantity),
  -- The state machine's invariants, enforced again by the database.
  CONSTRAINT orders_quantities_add_up CHECK (
    CASE WHEN status IN ('Filled', 'Canceled', 'Rejected', 'Expired')
         THEN leaves_qty = 0
         ELSE cum_qty + leaves_qty = quantity END),
  CONSTRAINT orders_filled_iff_complete CHECK ((status = 'Filled') = (cum_qty = quantity)),
  CONSTRAINT orders_avg_px_iff_filled_some CHECK ((avg_px IS NULL) = (cum_qty = 0)),
  CONSTRAINT orders_response_complete CHECK ((response_status IS NULL) = (response_body IS NULL))
);

-- GET /api/v1/orders: a user's orders, newest first, keyset-paginated on (created_at, id).
CREATE INDEX orders_user_created ON orders (user_id, created_at DESC, id DESC);
-- Orders still live at the broker (for reconciliation after a crash).
CREATE INDEX orders_live ON orders (updated_at)
  WHERE status IN ('PendingNew', 'New', 'PartiallyFilled', 'PendingCancel');

CREATE TABLE executions (
  -- The broker's exec id: a repeated execution report cannot be applied twice.
  exec_id      text PRIMARY KEY CHECK (length(exec_id) BETWEEN 1 AND 600),
  order_id     uuid NOT NULL REFERENCES orders (id),
  quantity     numeric(38,18) NOT NULL CHECK (quantity > 0),
  price        numeric(38,18) NOT NULL CHECK (price > 0),
  fee          numeric(38,18) NOT NULL DEFAULT 0 CHECK (fee >= 0),
  executed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX executions_order ON executions (order_id, executed_at);

CREATE TABLE positions (
  user_id       text NOT NULL,
  symbol        text NOT NULL,
  -- Signed: short < 0. cost_basis has the same sign (average-cost method).
  quantity      numeric(38,18) NOT NULL DEFAULT 0,
  cost_basis    numeric NOT NULL DEFAULT 0,
  avg_cost      numeric(38,18),
  realized_pnl  numeric NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, symbol),
  CONSTRAINT positions_avg_cost_iff_open CHECK ((avg_cost IS NULL) = (quantity = 0))
);

-- Append-only, hash-chained audit trail of order state changes (written in the same
-- transaction as the change). hash = sha256(prev_hash || canonical JSON {entry, seq}).
-- A chain is per chain_id (e.g. one per user, so users do not contend on one head).
CREATE TABLE audit_log (
  chain_id    text NOT NULL,
  seq         bigint NOT NULL CHECK (seq > 0),
  prev_hash   text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash        text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  entry       jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, seq),
  -- Two writers racing for the same head: the second insert fails and retries.
  CONSTRAINT audit_log_no_fork UNIQUE (chain_id, prev_hash)
);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Transactional outbox: written with the state change, published by a relay that claims
-- rows with FOR UPDATE SKIP LOCKED (never "id greater than the last one seen").
CREATE TABLE outbox (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  topic         text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
  -- Ordering key for consumers that care (e.g. the order id).
  key           text,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error    text
);
CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;

-- Inbox: a consumer records an event id in the same transaction as the event's effect.
CREATE TABLE processed_events (
  consumer      text NOT NULL,
  event_id      uuid NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
