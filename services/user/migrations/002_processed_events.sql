-- The inbox of the user service: the ids of the events it applied (UserRegistered creates
-- the profile), recorded in the same transaction as the effect.

CREATE TABLE processed_events (
  consumer      text NOT NULL,
  event_id      uuid NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
