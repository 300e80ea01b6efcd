import type { Pool } from 'pg';
import type { Tx } from '../platform/transaction.js';

/** An identity as auth stores it (roles are authoritative here: they go into access tokens). */
export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly roles: string[];
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly createdAt: Date;
}

interface Row {
  id: string;
  email: string;
  roles: string[];
  password_hash: string;
  disabled_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, email, roles, password_hash, disabled_at, created_at';

function fromRow(r: Row): AuthUser {
  return {
    id: r.id,
    email: r.email,
    roles: r.roles,
    passwordHash: r.password_hash,
    disabled: r.disabled_at !== null,
    createdAt: r.created_at,
  };
}

export async function findByEmail(pool: Pool, email: string): Promise<AuthUser | undefined> {
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM users WHERE lower(email) = lower($1)`,
    [email],
  );
  return rows[0] && fromRow(rows[0]);
}

export async function findById(pool: Pool, id: string): Promise<AuthUser | undefined> {
  const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] && fromRow(rows[0]);
}

/** Inserts inside the caller's transaction; a duplicate email rejects with pg code 23505. */
export async function insertUser(
  client: Tx,
  email: string,
  passwordHash: string,
): Promise<AuthUser> {
  const { rows } = await client.query<Row>(
    `INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING ${COLUMNS}`,
    [email, passwordHash],
  );
  return fromRow(rows[0]!);
}

export async function updatePasswordHash(pool: Pool, id: string, hash: string): Promise<void> {
  await pool.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [
    id,
    hash,
  ]);
}

/** Sets a user's roles; undefined when there is no such user. */
export async function setRoles(
  pool: Pool,
  id: string,
  roles: readonly string[],
): Promise<AuthUser | undefined> {
  const { rows } = await pool.query<Row>(
    `UPDATE users SET roles = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, roles],
  );
  return rows[0] && fromRow(rows[0]);
}
