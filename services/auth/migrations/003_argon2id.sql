-- Passwords are hashed with argon2id since the nineteenth session. Hashes stored with scrypt
-- before stay valid until their owner's next login rehashes them, so both formats are allowed.
ALTER TABLE users DROP CONSTRAINT users_password_hash_check;
ALTER TABLE users ADD CONSTRAINT users_password_hash_check
  CHECK (password_hash LIKE '$argon2id$%' OR password_hash LIKE '$scrypt$%');
