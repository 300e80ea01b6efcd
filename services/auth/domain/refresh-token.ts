import { createHash, randomBytes } from 'node:crypto';

/*
 * Refresh tokens are opaque (32 random bytes, base64url) and only their SHA-256 is stored: with
 * 256 bits of entropy a fast hash is enough, and a database leak yields nothing usable. Every
 * token belongs to a family (one login). Each use rotates it: the presented token is marked
 * rotated and a child is issued. Presenting an already-rotated token means two parties hold
 * it, so the whole family is revoked (OAuth 2.0 Security BCP, §4.14). There is deliberately no
 * grace period for concurrent refreshes: the client must serialise them.
 */

export const REFRESH_TOKEN_TTL_MS = 14 * 24 * 3600 * 1000;
/** A family (a login) ends after this however often it is refreshed. */
export const REFRESH_FAMILY_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

export interface NewRefreshToken {
  /** Sent to the client once, never stored. */
  readonly token: string;
  readonly hash: Buffer;
}

export function generateRefreshToken(): NewRefreshToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The stored state of the presented token (null when no row has its hash). */
export interface RefreshTokenState {
  readonly id: string;
  readonly userId: string;
  readonly familyId: string;
  readonly familyStartedAt: Date;
  readonly expiresAt: Date;
  readonly rotatedAt: Date | null;
  readonly revokedAt: Date | null;
}

export type RefreshDecision =
  | {
      readonly kind: 'rotate';
      readonly userId: string;
      readonly familyId: string;
      readonly parentId: string;
      readonly expiresAt: Date;
    }
  | { readonly kind: 'reuse-detected'; readonly userId: string; readonly familyId: string }
  | { readonly kind: 'reject'; readonly reason: 'unknown' | 'expired' | 'revoked' };

/**
 * What to do with a presented refresh token. All rejections answer the client the same way
 * (401, generic message); the reason is for logs and metrics.
 */
export function decideRefresh(
  state: RefreshTokenState | null,
  now: Date,
  ttlMs = REFRESH_TOKEN_TTL_MS,
  familyMaxAgeMs = REFRESH_FAMILY_MAX_AGE_MS,
): RefreshDecision {
  if (!state) return { kind: 'reject', reason: 'unknown' };
  if (state.revokedAt) return { kind: 'reject', reason: 'revoked' };
  // Reuse is checked before expiry: an old stolen token replayed late still burns the family.
  if (state.rotatedAt)
    return { kind: 'reuse-detected', userId: state.userId, familyId: state.familyId };
  if (now.getTime() >= state.expiresAt.getTime()) return { kind: 'reject', reason: 'expired' };
  const familyEnd = state.familyStartedAt.getTime() + familyMaxAgeMs;
  if (now.getTime() >= familyEnd) return { kind: 'reject', reason: 'expired' };
  return {
    kind: 'rotate',
    userId: state.userId,
    familyId: state.familyId,
    parentId: state.id,
    expiresAt: new Date(Math.min(now.getTime() + ttlMs, familyEnd)),
  };
}

/** Expiry of the first token of a new family (at login). */
export function firstExpiry(now: Date, ttlMs = REFRESH_TOKEN_TTL_MS): Date {
  return new Date(now.getTime() + ttlMs);
}
