-- Profiles, roles and the KYC workflow of the user service.

CREATE TABLE profiles (
  -- The id auth gave the user (no cross-database foreign key: each service owns its database).
  user_id        uuid PRIMARY KEY,
  email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  display_name   text CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 100),
  country        text CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'),
  timezone       text CHECK (timezone IS NULL OR length(timezone) <= 64),
  roles          text[] NOT NULL DEFAULT ARRAY['trader']::text[]
                 CHECK (cardinality(roles) > 0
                        AND roles <@ ARRAY['trader', 'risk-officer', 'admin']::text[]),
  kyc_status     text NOT NULL DEFAULT 'pending'
                 CHECK (kyc_status IN ('pending', 'under_review', 'approved', 'rejected')),
  kyc_updated_at timestamptz NOT NULL DEFAULT now(),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX profiles_email_lower_key ON profiles (lower(email));

-- The KYC workflow as data: pending → under_review → approved | rejected, and a rejected
-- applicant may resubmit (rejected → under_review). Anything else is refused by the trigger
-- below, so no code path (or hand-written SQL) can skip a step.
CREATE TABLE kyc_transitions (
  from_status text NOT NULL,
  to_status   text NOT NULL,
  PRIMARY KEY (from_status, to_status)
);
INSERT INTO kyc_transitions (from_status, to_status) VALUES
  ('pending', 'under_review'),
  ('under_review', 'approved'),
  ('under_review', 'rejected'),
  ('rejected', 'under_review');

CREATE TABLE kyc_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES profiles (user_id) ON DELETE CASCADE,
  from_status text NOT NULL,
  to_status   text NOT NULL,
  -- Who made the change: set per transaction with SET LOCAL alphintra.actor = '<user id>'.
  actor       text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kyc_events_user_idx ON kyc_events (user_id, at);

CREATE FUNCTION profiles_kyc_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.kyc_status <> 'pending' THEN
      RAISE EXCEPTION 'a new profile starts with KYC status pending, not %', NEW.kyc_status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'kyc_transition';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.kyc_status IS DISTINCT FROM OLD.kyc_status THEN
    IF NOT EXISTS (SELECT 1 FROM kyc_transitions
                    WHERE from_status = OLD.kyc_status AND to_status = NEW.kyc_status) THEN
      RAISE EXCEPTION 'KYC status cannot go from % to %', OLD.kyc_status, NEW.kyc_status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'kyc_transition';
    END IF;
    NEW.kyc_updated_at := now();
    INSERT INTO kyc_events (user_id, from_status, to_status, actor)
    VALUES (NEW.user_id, OLD.kyc_status, NEW.kyc_status,
            nullif(current_setting('alphintra.actor', true), ''));
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE TRIGGER profiles_kyc_guard BEFORE INSERT OR UPDATE ON profiles
  FOR EACH ROW EXECUTE FUNCTION profiles_kyc_guard();
