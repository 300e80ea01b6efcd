import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  decideRefresh,
  firstExpiry,
  generateRefreshToken,
  hashRefreshToken,
} from './refresh-token.js';
import { refreshStateFromRow, refreshTokenSql as sql } from './refresh-token-sql.js';
import { inTransaction } from '../../platform/transaction.js';

export interface IssuedRefreshToken {
  readonly token: string;
  readonly familyId: string;
  readonly expiresAt: Date;
}

export type RotationResult =
  | ({ readonly kind: 'rotated'; readonly userId: string } & IssuedRefreshToken)
  | { readonly kind: 'reuse-detected'; readonly userId: string; readonly familyId: string }
  | { readonly kind: 'rejected'; readonly reason: 'unknown' | 'expired' | 'revoked' };

/** Starts a family at login. */
export async function issueRefreshFamily(
  pool: Pool,
  userId: string,
  now = new Date(),
): Promise<IssuedRefreshToken> {
  const { token, hash } = generateRefreshToken();
  const familyId = randomUUID();
  const expiresAt = firstExpiry(now);
  await pool.query(sql.insert, [userId, familyId, now, hash, null, expiresAt]);
  return { token, familyId, expiresAt };
}

/**
 * Uses a refresh token: rotates it, or revokes its family on reuse (that revocation is
 * committed even though the caller answers 401), or rejects it.
 */
export function rotateRefreshToken(
  pool: Pool,
  presented: string,
  now = new Date(),
): Promise<RotationResult> {
  return inTransaction(pool, async (c) => {
    const found = await c.query(sql.findForUpdate, [hashRefreshToken(presented)]);
    const decision = decideRefresh(found.rows[0] ? refreshStateFromRow(found.rows[0]) : null, now);
    if (decision.kind === 'reject') return { kind: 'rejected', reason: decision.reason };
    if (decision.kind === 'reuse-detected') {
      await c.query(sql.revokeFamily, [decision.familyId]);
      return decision;
    }
    const next = generateRefreshToken();
    const inserted = await c.query<{ id: string }>(sql.insert, [
      decision.userId,
      decision.familyId,
      found.rows[0].family_started_at,
      next.hash,
      decision.parentId,
      decision.expiresAt,
    ]);
    await c.query(sql.markRotated, [decision.parentId, inserted.rows[0]!.id]);
    return {
      kind: 'rotated',
      userId: decision.userId,
      token: next.token,
      familyId: decision.familyId,
      expiresAt: decision.expiresAt,
    };
  });
}

/** Logout: revokes the presented token's whole family. False when the token is unknown. */
export async function revokeRefreshFamily(pool: Pool, presented: string): Promise<boolean> {
  const res = await pool.query(
    `UPDATE refresh_tokens SET revoked_at = now()
      WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)
        AND revoked_at IS NULL`,
    [hashRefreshToken(presented)],
  );
  return (res.rowCount ?? 0) > 0;
}
