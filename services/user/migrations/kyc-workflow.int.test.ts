import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { loadMigrations, migrate } from '../../platform/migrate.js';

const dir = fileURLToPath(new URL('.', import.meta.url));

describe.skipIf(!ADMIN_DATABASE_URL)('user schema: KYC workflow (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase('user');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await migrate(pool, await loadMigrations(dir));
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function newProfile(): Promise<string> {
    const id = randomUUID();
    await pool.query('INSERT INTO profiles (user_id, email) VALUES ($1, $2)', [id, `${id}@x.io`]);
    return id;
  }
  const setKyc = (id: string, status: string) =>
    pool.query('UPDATE profiles SET kyc_status = $2 WHERE user_id = $1', [id, status]);

  test('pending → under_review → approved is allowed and recorded with the actor', async () => {
    const id = await newProfile();
    await setKyc(id, 'under_review');
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('alphintra.actor', 'admin-1', true)`);
      await c.query('UPDATE profiles SET kyc_status = $2 WHERE user_id = $1', [id, 'approved']);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    const { rows } = await pool.query(
      'SELECT from_status, to_status, actor FROM kyc_events WHERE user_id = $1 ORDER BY id',
      [id],
    );
    expect(rows).toEqual([
      { from_status: 'pending', to_status: 'under_review', actor: null },
      { from_status: 'under_review', to_status: 'approved', actor: 'admin-1' },
    ]);
  });

  test.each([
    ['pending', 'approved'],
    ['pending', 'rejected'],
  ])('%s → %s is refused', async (_from, to) => {
    const id = await newProfile();
    await expect(setKyc(id, to)).rejects.toMatchObject({
      code: '23514',
      constraint: 'kyc_transition',
    });
  });

  test('approved → pending is refused; rejected → under_review (resubmission) is allowed', async () => {
    const a = await newProfile();
    await setKyc(a, 'under_review');
    await setKyc(a, 'approved');
    await expect(setKyc(a, 'pending')).rejects.toMatchObject({ code: '23514' });
    const r = await newProfile();
    await setKyc(r, 'under_review');
    await setKyc(r, 'rejected');
    await expect(setKyc(r, 'under_review')).resolves.toMatchObject({ rowCount: 1 });
  });

  test('a profile cannot be created already approved', async () => {
    await expect(
      pool.query(
        `INSERT INTO profiles (user_id, email, kyc_status) VALUES ($1, 'z@x.io', 'approved')`,
        [randomUUID()],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'kyc_transition' });
  });

  test('unknown statuses and roles are refused by CHECK constraints', async () => {
    const id = await newProfile();
    await expect(setKyc(id, 'done')).rejects.toMatchObject({ code: '23514' });
    await expect(
      pool.query(`UPDATE profiles SET roles = '{superuser}' WHERE user_id = $1`, [id]),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
