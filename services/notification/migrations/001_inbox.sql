-- The per-user inbox, filled from platform events (the consumer comes in a later issue).
-- (user_id, event_id) is unique so that a redelivered event is recorded once: the consumer
-- inserts with ON CONFLICT DO NOTHING in the same transaction as its other effects.

CREATE TABLE inbox (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The auth service's user id; no foreign key: users live in another service's database.
  user_id    uuid NOT NULL,
  -- The producer's event id (outbox row id); text so that no id format is assumed.
  event_id   text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 200),
  type       text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_.-]{0,99}$'),
  payload    jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(payload) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at    timestamptz,
  CONSTRAINT inbox_user_event_key UNIQUE (user_id, event_id),
  CHECK (read_at IS NULL OR read_at >= created_at)
);

-- Listing a user's inbox newest first, and counting or listing what is unread.
CREATE INDEX inbox_user_created_idx ON inbox (user_id, created_at DESC, id DESC);
CREATE INDEX inbox_user_unread_idx ON inbox (user_id, created_at DESC) WHERE read_at IS NULL;
