-- Workflows users saved; only valid workflows are stored (validated as /validate does).

CREATE TABLE workflows (
  id         uuid PRIMARY KEY,
  -- The auth service's user id; no foreign key: users live in another service's database.
  owner_id   uuid NOT NULL,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- {nodes, edges} exactly as the client sent it.
  graph      jsonb NOT NULL CHECK (jsonb_typeof(graph) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A user's workflows, newest first.
CREATE INDEX workflows_owner_created_idx ON workflows (owner_id, created_at DESC, id DESC);
