import type { Pool } from 'pg';
import { inTransaction, type Tx } from '../platform/transaction.js';

export type KycStatus = 'pending' | 'under_review' | 'approved' | 'rejected';

/** A profile as the API shows it. */
export interface Profile {
  readonly id: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly country: string | null;
  readonly timezone: string | null;
  /** A copy of the roles auth holds (auth owns them; they change through auth). */
  readonly roles: string[];
  readonly kycStatus: KycStatus;
  readonly kycUpdatedAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface Row {
  user_id: string;
  email: string;
  display_name: string | null;
  country: string | null;
  timezone: string | null;
  roles: string[];
  kyc_status: KycStatus;
  kyc_updated_at: Date;
  created_at: Date;
  updated_at: Date;
}

export const PROFILE_COLUMNS =
  'user_id, email, display_name, country, timezone, roles, kyc_status, kyc_updated_at, created_at, updated_at';

export function profileFromRow(r: Row): Profile {
  return {
    id: r.user_id,
    email: r.email,
    displayName: r.display_name,
    country: r.country,
    timezone: r.timezone,
    roles: r.roles,
    kycStatus: r.kyc_status,
    kycUpdatedAt: r.kyc_updated_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function findProfile(db: Tx, id: string): Promise<Profile | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${PROFILE_COLUMNS} FROM profiles WHERE user_id = $1`,
    [id],
  );
  return rows[0] && profileFromRow(rows[0]);
}

export async function listProfiles(pool: Pool, limit: number, offset: number): Promise<Profile[]> {
  const { rows } = await pool.query<Row>(
    `SELECT ${PROFILE_COLUMNS} FROM profiles ORDER BY created_at, user_id LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  return rows.map(profileFromRow);
}

/** The profile fields a user may change; anything else is refused by the route schema. */
export interface ProfilePatch {
  displayName?: string | null;
  country?: string | null;
  timezone?: string | null;
}

const PATCH_COLUMNS: Record<keyof ProfilePatch, string> = {
  displayName: 'display_name',
  country: 'country',
  timezone: 'timezone',
};

export async function patchProfile(
  pool: Pool,
  id: string,
  patch: ProfilePatch,
): Promise<Profile | undefined> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof ProfilePatch, string][]) {
    if (patch[key] === undefined) continue;
    values.push(patch[key]);
    sets.push(`${column} = $${values.length}`);
  }
  const { rows } = await pool.query<Row>(
    `UPDATE profiles SET ${[...sets, 'updated_at = now()'].join(', ')}
      WHERE user_id = $1 RETURNING ${PROFILE_COLUMNS}`,
    values,
  );
  return rows[0] && profileFromRow(rows[0]);
}

export async function setProfileRoles(
  pool: Pool,
  id: string,
  roles: readonly string[],
): Promise<Profile | undefined> {
  const { rows } = await pool.query<Row>(
    `UPDATE profiles SET roles = $2, updated_at = now() WHERE user_id = $1 RETURNING ${PROFILE_COLUMNS}`,
    [id, roles],
  );
  return rows[0] && profileFromRow(rows[0]);
}

/** Who auth registered: what a profile is created from (the call and the event carry it). */
export interface RegisteredUser {
  readonly id: string;
  readonly email: string;
  readonly roles: readonly string[];
}

/**
 * Creates the profile of a user auth registered, inside the caller's transaction; idempotent
 * for the same id (auth's call and its UserRegistered event both arrive). A profile with the
 * same email but another id can only be left over from an identity auth no longer has, so it
 * is replaced.
 */
export async function createProfileIn(
  tx: Tx,
  user: RegisteredUser,
): Promise<{ created: boolean; profile: Profile }> {
  await tx.query('DELETE FROM profiles WHERE lower(email) = lower($2) AND user_id <> $1', [
    user.id,
    user.email,
  ]);
  const { rows } = await tx.query<Row>(
    `INSERT INTO profiles (user_id, email, roles) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO NOTHING RETURNING ${PROFILE_COLUMNS}`,
    [user.id, user.email, user.roles],
  );
  if (rows[0]) return { created: true, profile: profileFromRow(rows[0]) };
  return { created: false, profile: (await findProfile(tx, user.id))! };
}

/** `createProfileIn` in a transaction of its own. */
export function createProfile(
  pool: Pool,
  user: RegisteredUser,
): Promise<{ created: boolean; profile: Profile }> {
  return inTransaction(pool, (tx) => createProfileIn(tx, user));
}

/**
 * Moves a profile's KYC status; the database trigger enforces the workflow and records the
 * actor. Rejects with pg error 23514 / constraint `kyc_transition` for a forbidden step.
 */
export function setKycStatus(
  pool: Pool,
  id: string,
  to: KycStatus,
  actor: string,
): Promise<Profile | undefined> {
  return inTransaction(pool, async (c) => {
    await c.query(`SELECT set_config('alphintra.actor', $1, true)`, [actor]);
    const { rows } = await c.query<Row>(
      `UPDATE profiles SET kyc_status = $2 WHERE user_id = $1 RETURNING ${PROFILE_COLUMNS}`,
      [id, to],
    );
    return rows[0] && profileFromRow(rows[0]);
  });
}

export async function kycStatusOf(pool: Pool, id: string): Promise<KycStatus | undefined> {
  const { rows } = await pool.query<{ kyc_status: KycStatus }>(
    'SELECT kyc_status FROM profiles WHERE user_id = $1',
    [id],
  );
  return rows[0]?.kyc_status;
}
