-- Identities, refresh-token families and login attempts of the auth service.

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Stored as typed (trimmed); uniqueness and lookups go through lower(email), which gives
  -- citext's behaviour without needing the extension.
  email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = btrim(email)),
  -- PHC-style scrypt string with its parameters: $scrypt$ln=17,r=8,p=1$salt$hash
  password_hash text NOT NULL CHECK (password_hash LIKE '$scrypt$%'),
  -- Authoritative copy for the token's roles claim.
  roles         text[] NOT NULL DEFAULT ARRAY['trader']::text[]
                CHECK (cardinality(roles) > 0
                       AND roles <@ ARRAY['trader', 'risk-officer', 'admin']::text[]),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- Opaque refresh tokens, stored as SHA-256 only. One family per login; every use rotates.
CREATE TABLE refresh_tokens (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id         uuid NOT NULL,
  family_started_at timestamptz NOT NULL,
  token_hash        bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  parent_id         uuid REFERENCES refresh_tokens (id) ON DELETE CASCADE,
  replaced_by       uuid,
  issued_at         timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL,
  rotated_at        timestamptz,
  revoked_at        timestamptz,
  CHECK (expires_at > family_started_at)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family_started_idx ON refresh_tokens (family_started_at);

-- Login attempts feed the throttle; kept in Postgres so every auth replica sees the same
-- history. account_key is the normalised email, recorded whether or not the account exists.
CREATE TABLE login_attempts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_key text NOT NULL CHECK (length(account_key) <= 254),
  ip          text NOT NULL CHECK (length(ip) <= 45),
  succeeded   boolean NOT NULL,
  at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX login_attempts_account_idx ON login_attempts (account_key, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);
CREATE INDEX login_attempts_at_idx ON login_attempts (at);
