-- Backtest runs: the inputs a run used and what came of it. The result is kept as `json`
-- (not jsonb) so that it is served back byte for byte as it was computed.

CREATE TABLE backtest_runs (
  id            uuid PRIMARY KEY,
  strategy_id   uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
  -- The strategy's owner (the auth service's user id), repeated for the ownership check.
  owner_id      uuid NOT NULL,
  -- The strategy's definition at the time of the run (type and normalised parameters).
  definition    json NOT NULL CHECK (json_typeof(definition) = 'object'),
  symbol        text NOT NULL,
  interval      text NOT NULL,
  range_from    timestamptz NOT NULL,
  range_to      timestamptz NOT NULL CHECK (range_to > range_from),
  candle_count  integer NOT NULL CHECK (candle_count > 0),
  initial_cash  numeric NOT NULL CHECK (initial_cash > 0),
  fee_rate      numeric NOT NULL CHECK (fee_rate >= 0 AND fee_rate < 0.1),
  result        json NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- A strategy's runs, newest first.
CREATE INDEX backtest_runs_strategy_created_idx
  ON backtest_runs (strategy_id, created_at DESC, id DESC);
