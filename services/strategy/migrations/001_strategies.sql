-- Strategy definitions, one row per strategy a user created. Parameters are stored as the
-- strategy service normalised them (defaults filled, decimals in canonical spelling).

CREATE TABLE strategies (
  id           uuid PRIMARY KEY,
  -- The auth service's user id; no foreign key: users live in another service's database.
  owner_id     uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  type         text NOT NULL CHECK (type IN ('sma-crossover', 'momentum', 'dca')),
  parameters   jsonb NOT NULL CHECK (jsonb_typeof(parameters) = 'object'),
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz,
  CHECK ((status = 'active') = (activated_at IS NOT NULL))
);

-- A user's strategies, newest first.
CREATE INDEX strategies_owner_created_idx ON strategies (owner_id, created_at DESC, id DESC);
