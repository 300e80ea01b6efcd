-- The inbox consumer and the live stream.
--
-- processed_events: the ids of the events the consumer applied, recorded in the same
-- transaction as the inbox rows they wrote (platform/events/inbox.ts), so a redelivered event
-- is applied once.

CREATE TABLE processed_events (
  consumer      text NOT NULL,
  event_id      uuid NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Every new inbox row is announced on the channel `notification_inbox` as "<id> <user id>".
-- NOTIFY is delivered only when the inserting transaction commits, to every session that
-- LISTENs, so each instance of the service learns of every entry whichever instance wrote it,
-- and never of one that rolled back. The payload names the row only (a NOTIFY payload is
-- limited to 8000 bytes); a listener with an open stream for that user reads the row.
CREATE FUNCTION inbox_announce() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('notification_inbox', NEW.id::text || ' ' || NEW.user_id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER inbox_announce
  AFTER INSERT ON inbox
  FOR EACH ROW EXECUTE FUNCTION inbox_announce();
