/**
 * The statements refresh rotation needs (tables in services/auth/migrations). Run the find,
 * then per decision insert+markRotated or revokeFamily, inside one transaction: the row lock
 * taken by FIND_FOR_UPDATE makes two concurrent uses of one token serialise, so the second
 * sees rotated_at set and is treated as reuse.
 */
export const refreshTokenSql = {
  /** $1 token_hash (bytea) */
  findForUpdate: `
    SELECT id, user_id, family_id, family_started_at, expires_at, rotated_at, revoked_at
      FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
  /** $1 user_id, $2 family_id, $3 family_started_at, $4 token_hash, $5 parent_id (null at login), $6 expires_at */
  insert: `
    INSERT INTO refresh_tokens (user_id, family_id, family_started_at, token_hash, parent_id, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
  /** $1 id, $2 replaced_by; affects 0 rows if someone rotated it first */
  markRotated: `
    UPDATE refresh_tokens SET rotated_at = now(), replaced_by = $2
     WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL`,
  /** $1 family_id: reuse detected, or logout */
  revokeFamily: `
    UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`,
  /** $1 user_id: log out everywhere (password change, admin action) */
  revokeUser: `
    UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`,
  /**
   * Housekeeping: only whole families past their maximum age (30 days) go, so a rotated token
   * replayed late is still recognised as reuse while its family can live.
   */
  deleteDeadFamilies: `DELETE FROM refresh_tokens WHERE family_started_at < now() - interval '31 days'`,
} as const;

/** Maps a row of findForUpdate onto the decision input. */
export function refreshStateFromRow(row: {
  id: string;
  user_id: string;
  family_id: string;
  family_started_at: Date;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}) {
  return {
    id: row.id,
    userId: row.user_id,
    familyId: row.family_id,
    familyStartedAt: row.family_started_at,
    expiresAt: row.expires_at,
    rotatedAt: row.rotated_at,
    revokedAt: row.revoked_at,
  };
}
