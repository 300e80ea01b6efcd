import { describe, expect, test } from 'vitest';
import {
  decideRefresh,
  generateRefreshToken,
  hashRefreshToken,
  type RefreshTokenState,
} from './refresh-token.js';

const day = 24 * 3600 * 1000;
const t0 = new Date('2026-01-01T00:00:00Z');
const state = (over: Partial<RefreshTokenState> = {}): RefreshTokenState => ({
  id: 'r1',
  userId: 'u1',
  familyId: 'f1',
  familyStartedAt: t0,
  expiresAt: new Date(t0.getTime() + 14 * day),
  rotatedAt: null,
  revokedAt: null,
  ...over,
});
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('refresh tokens', () => {
  test('opaque 256-bit token; only its SHA-256 is stored', () => {
    const { token, hash } = generateRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash.equals(hashRefreshToken(token))).toBe(true);
    expect(hash.length).toBe(32);
  });

  test.each<[string, RefreshTokenState | null, Date, unknown]>([
    ['unknown', null, at(0), { kind: 'reject', reason: 'unknown' }],
    ['revoked', state({ revokedAt: at(1) }), at(2), { kind: 'reject', reason: 'revoked' }],
    [
      'rotated → reuse',
      state({ rotatedAt: at(1) }),
      at(2),
      { kind: 'reuse-detected', userId: 'u1', familyId: 'f1' },
    ],
    [
      'rotated and expired → still reuse',
      state({ rotatedAt: at(1) }),
      at(20 * day),
      { kind: 'reuse-detected', userId: 'u1', familyId: 'f1' },
    ],
    [
      'revoked and rotated → revoked',
      state({ rotatedAt: at(1), revokedAt: at(1) }),
      at(2),
      { kind: 'reject', reason: 'revoked' },
    ],
    ['expired', state(), at(14 * day), { kind: 'reject', reason: 'expired' }],
    [
      'family past 30 days',
      state({ expiresAt: at(40 * day) }),
      at(30 * day),
      { kind: 'reject', reason: 'expired' },
    ],
    [
      'valid → rotate, 14 days on',
      state(),
      at(day),
      { kind: 'rotate', userId: 'u1', familyId: 'f1', parentId: 'r1', expiresAt: at(15 * day) },
    ],
    [
      'valid near family end → capped',
      state({ expiresAt: at(29 * day) }),
      at(20 * day),
      { kind: 'rotate', userId: 'u1', familyId: 'f1', parentId: 'r1', expiresAt: at(30 * day) },
    ],
  ])('%s', (_n, s, now, expected) => {
    expect(decideRefresh(s, now)).toEqual(expected);
  });
});
