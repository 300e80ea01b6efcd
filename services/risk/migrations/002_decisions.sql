-- risk: the first decision per order (a repeated check answers it again) and the fills
-- already applied to exposure (a repeated OrderFilled, under any event id, changes nothing).

CREATE TABLE risk_decisions (
  order_id    text PRIMARY KEY CHECK (length(order_id) BETWEEN 1 AND 255),
  user_id     text NOT NULL,
  approved    boolean NOT NULL,
  decision    jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_decisions_user ON risk_decisions (user_id, created_at);

CREATE TABLE applied_fills (
  exec_id     text PRIMARY KEY CHECK (length(exec_id) BETWEEN 1 AND 700),
  order_id    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
