import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { loadMigrations, migrate } from '../../platform/migrate.js';
import { loginAttemptsSql, summaryFromRow } from './login-attempts-sql.js';
import { decideLoginAttempt } from './login-throttle.js';
import {
  issueRefreshFamily,
  revokeRefreshFamily,
  rotateRefreshToken,
} from './refresh-token-store.js';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

describe.skipIf(!ADMIN_DATABASE_URL)('auth schema and stores (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let userId: string;

  beforeAll(async () => {
    db = await createTestDatabase('auth');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await migrate(pool, await loadMigrations(migrationsDir));
    const { rows } = await pool.query(
      `INSERT INTO users (email, password_hash) VALUES ('Alice@Example.com', '$scrypt$x') RETURNING id`,
    );
    userId = rows[0].id;
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('email is unique case-insensitively', async () => {
    await expect(
      pool.query(
        `INSERT INTO users (email, password_hash) VALUES ('alice@example.COM', '$scrypt$y')`,
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'users_email_lower_key' });
  });

  test('roles outside trader/risk-officer/admin are refused', async () => {
    await expect(
      pool.query(
        `INSERT INTO users (email, password_hash, roles) VALUES ('r@x.io', '$scrypt$y', '{root}')`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  test('rotation: each use yields a new token; the old one can no longer be used', async () => {
    const first = await issueRefreshFamily(pool, userId);
    const second = await rotateRefreshToken(pool, first.token);
    expect(second).toMatchObject({ kind: 'rotated', userId, familyId: first.familyId });
    const third = await rotateRefreshToken(pool, (second as { token: string }).token);
    expect(third).toMatchObject({ kind: 'rotated', familyId: first.familyId });
  });

  test('reuse of a rotated token revokes the whole family', async () => {
    const first = await issueRefreshFamily(pool, userId);
    const second = await rotateRefreshToken(pool, first.token);
    expect(second.kind).toBe('rotated');
    expect(await rotateRefreshToken(pool, first.token)).toEqual({
      kind: 'reuse-detected',
      userId,
      familyId: first.familyId,
    });
    // The legitimate holder's newest token is now dead too.
    expect(await rotateRefreshToken(pool, (second as { token: string }).token)).toEqual({
      kind: 'rejected',
      reason: 'revoked',
    });
    const { rows } = await pool.query(
      'SELECT count(*)::int AS live FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL',
      [first.familyId],
    );
    expect(rows[0].live).toBe(0);
  });

  test('two concurrent uses of one token: one rotates, the other is reuse', async () => {
    const first = await issueRefreshFamily(pool, userId);
    const results = await Promise.all([
      rotateRefreshToken(pool, first.token),
      rotateRefreshToken(pool, first.token),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['reuse-detected', 'rotated']);
  });

  test('an unknown token is rejected; no rows change', async () => {
    expect(await rotateRefreshToken(pool, 'not-a-token')).toEqual({
      kind: 'rejected',
      reason: 'unknown',
    });
  });

  test('an expired token is rejected', async () => {
    const longAgo = new Date(Date.now() - 20 * 24 * 3600 * 1000);
    const first = await issueRefreshFamily(pool, userId, longAgo);
    expect(await rotateRefreshToken(pool, first.token)).toEqual({
      kind: 'rejected',
      reason: 'expired',
    });
  });

  test('logout revokes the family', async () => {
    const first = await issueRefreshFamily(pool, userId);
    expect(await revokeRefreshFamily(pool, first.token)).toBe(true);
    expect(await rotateRefreshToken(pool, first.token)).toEqual({
      kind: 'rejected',
      reason: 'revoked',
    });
  });

  test('login attempts: summary feeds the throttle; success resets the account, not the IP', async () => {
    const record = (acc: string, ip: string, ok: boolean) =>
      pool.query(loginAttemptsSql.record, [acc, ip, ok]);
    const summary = async (acc: string, ip: string) => {
      const { rows } = await pool.query(loginAttemptsSql.summary, [
        acc,
        ip,
        new Date(Date.now() - 15 * 60_000),
      ]);
      return summaryFromRow(rows[0]);
    };
    for (let i = 0; i < 5; i += 1) await record('bob@x.io', '10.0.0.1', false);
    let s = await summary('bob@x.io', '10.0.0.1');
    expect([s.account.failures, s.ip.failures]).toEqual([5, 5]);
    expect(decideLoginAttempt(s, s.account.lastFailureAt!)).toEqual({
      allowed: false,
      scope: 'account',
      retryAfterMs: 1000,
    });
    await record('bob@x.io', '10.0.0.1', true);
    await record('bob@x.io', '10.0.0.1', false);
    s = await summary('bob@x.io', '10.0.0.1');
    expect([s.account.failures, s.ip.failures]).toEqual([1, 6]);
    s = await summary('nobody@x.io', '10.0.0.2');
    expect(s).toEqual({
      account: { failures: 0, lastFailureAt: null },
      ip: { failures: 0, lastFailureAt: null },
    });
  });
});
