-- broker: the market clock of the test profile, shared by every replica (the other
-- profiles derive the step from wall time and MARKET_START, and never read this row).
CREATE TABLE market_clock (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  step        bigint NOT NULL DEFAULT 0 CHECK (step >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO market_clock (id, step) VALUES (true, 0);
