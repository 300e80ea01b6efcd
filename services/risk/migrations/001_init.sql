-- risk: limits per user, exposure, reservations, the kill switch, outbox and inbox.
-- A pre-trade check locks the user's risk_limits row (SELECT ... FOR UPDATE), reads the
-- exposure, decides, and records its effects (rate window, reservation) before commit:
-- concurrent orders of one user are serialised, so they cannot jointly exceed a limit.

CREATE TABLE risk_limits (
  user_id                text PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 200),
  max_order_notional     numeric(38,18) NOT NULL CHECK (max_order_notional >= 0),
  max_position_qty       numeric(38,18) NOT NULL CHECK (max_position_qty >= 0),
  max_daily_loss         numeric(38,18) NOT NULL CHECK (max_daily_loss >= 0),
  max_orders_per_minute  integer NOT NULL CHECK (max_orders_per_minute >= 0),
  restricted_symbols     text[] NOT NULL DEFAULT '{}',
  -- Order-rate window and today's realised P&L live on the locked row on purpose.
  rate_window_start      timestamptz,
  rate_count             integer NOT NULL DEFAULT 0 CHECK (rate_count >= 0),
  pnl_day                date,
  realized_pnl_today     numeric NOT NULL DEFAULT 0,
  updated_by             text,
  updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE exposures (
  user_id        text NOT NULL,
  symbol         text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 20),
  position       numeric(38,18) NOT NULL DEFAULT 0,
  cost_basis     numeric NOT NULL DEFAULT 0,
  -- Approved but not yet filled: counted against the position limit in the worst case.
  open_buy_qty   numeric(38,18) NOT NULL DEFAULT 0 CHECK (open_buy_qty >= 0),
  open_sell_qty  numeric(38,18) NOT NULL DEFAULT 0 CHECK (open_sell_qty >= 0),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, symbol)
);

-- One row per approved order: what it reserved and what is still open, so fills and
-- releases (from events, possibly repeated) adjust exposure exactly once.
CREATE TABLE reservations (
  order_id     text PRIMARY KEY,
  user_id      text NOT NULL,
  symbol       text NOT NULL,
  side         text NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity     numeric(38,18) NOT NULL CHECK (quantity > 0),
  remaining    numeric(38,18) NOT NULL CHECK (remaining >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  released_at  timestamptz,
  CONSTRAINT reservations_remaining_within CHECK (remaining <= quantity)
);
CREATE INDEX reservations_user_open ON reservations (user_id, symbol) WHERE released_at IS NULL;

-- scope 'global' halts everyone; 'user:<id>' halts one user.
CREATE TABLE kill_switch (
  scope       text PRIMARY KEY CHECK (scope = 'global' OR scope LIKE 'user:%'),
  active      boolean NOT NULL,
  reason      text,
  changed_by  text NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT kill_switch_reason_when_active CHECK (NOT active OR reason IS NOT NULL)
);
INSERT INTO kill_switch (scope, active, reason, changed_by) VALUES ('global', false, NULL, 'migration');

CREATE TABLE outbox (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  topic         text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
  key           text,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error    text
);
CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;

CREATE TABLE processed_events (
  consumer      text NOT NULL,
  event_id      uuid NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
