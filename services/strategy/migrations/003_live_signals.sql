-- Live signals of active strategies. One evaluation state per active strategy (the last
-- finished candle it was evaluated on; its row is locked while an instance evaluates it, so
-- two instances never evaluate the same strategy at once), and one signal per strategy and
-- candle with the order placed for it through trading.

CREATE TABLE strategy_evaluations (
  strategy_id      uuid PRIMARY KEY REFERENCES strategies (id) ON DELETE CASCADE,
  -- Open time of the first candle evaluated (DCA counts its interval from it).
  first_candle_at  timestamptz,
  -- Open time of the newest candle evaluated; later candles are the next to evaluate.
  last_candle_at   timestamptz,
  evaluated_at     timestamptz
);

CREATE TABLE strategy_signals (
  id              uuid PRIMARY KEY,
  strategy_id     uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
  owner_id        uuid NOT NULL,
  -- Open time of the finished candle whose close gave the signal.
  candle_time     timestamptz NOT NULL,
  side            text NOT NULL CHECK (side IN ('buy', 'sell')),
  -- Null when the signal could not be sized (skipped).
  quantity        numeric CHECK (quantity > 0),
  -- The candle's close the quantity was sized at.
  price           numeric NOT NULL,
  idempotency_key text NOT NULL,
  status          text NOT NULL CHECK (status IN ('placed', 'failed', 'skipped')),
  order_id        uuid,
  order_status    text,
  -- What the order filled when trading answered (the strategy's position is their sum).
  filled_quantity numeric NOT NULL DEFAULT 0,
  reason          text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- One signal per candle; it also serves a strategy's signals, newest candle first.
  UNIQUE (strategy_id, candle_time),
  CHECK ((status = 'placed') = (order_id IS NOT NULL))
);
