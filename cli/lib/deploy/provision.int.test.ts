import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { ADMIN_DATABASE_URL, dropPrefixedDatabases } from '../../../test/support/database.js';
import { platformDatabases } from '../runtime/local/env-context.js';
import { provisionSql } from './provision.js';

/*
 * The script deploy's Job runs in the cluster, run here with the same psql flags against the
 * real PostgreSQL of this machine (under a prefix of its own, as `up --db-prefix` does).
 */
describe.skipIf(!ADMIN_DATABASE_URL)(
  'the databases’ provisioning script (psql, real PostgreSQL)',
  () => {
    const prefix = `t_prov_${randomUUID().slice(0, 8)}`;
    const wanted = platformDatabases(prefix);
    const passwords = Object.fromEntries(wanted.map((w) => [w.role, `pw'${randomUUID()}`]));
    const runWithInput = (sql: string) =>
      new Promise<void>((resolve, reject) => {
        const child = execFile(
          'psql',
          ['-v', 'ON_ERROR_STOP=1', '-X', '-q', '-d', ADMIN_DATABASE_URL!, '-f', '-'],
          (err, _stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve()),
        );
        child.stdin!.end(sql);
      });
    afterAll(() => dropPrefixedDatabases(ADMIN_DATABASE_URL!, prefix));

    test('creates every role and database, owned and closed to others; a second run changes nothing and succeeds', async () => {
      const sql = provisionSql(wanted, (role) => passwords[role]!);
      await runWithInput(sql);
      await runWithInput(sql);
      const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query<{
          datname: string;
          owner: string;
          public_connect: boolean;
        }>(
          `SELECT d.datname, pg_get_userbyid(d.datdba) AS owner,
                has_database_privilege('public', d.datname, 'CONNECT') AS public_connect
           FROM pg_database d WHERE d.datname LIKE $1 ORDER BY d.datname`,
          [`${prefix}\\_%`],
        );
        expect(rows).toEqual(
          [...wanted]
            .sort((a, b) => a.database.localeCompare(b.database))
            .map((w) => ({ datname: w.database, owner: w.role, public_connect: false })),
        );
        // Each role logs in with its password (the script's quoting held) and owns its database.
        const { rows: roles } = await admin.query<{
          rolname: string;
          rolcanlogin: boolean;
          rolsuper: boolean;
        }>(`SELECT rolname, rolcanlogin, rolsuper FROM pg_roles WHERE rolname LIKE $1`, [
          `${prefix}\\_%`,
        ]);
        expect(roles).toHaveLength(wanted.length);
        expect(roles.every((r) => r.rolcanlogin && !r.rolsuper)).toBe(true);
        const one = wanted[0]!;
        const url = new URL(ADMIN_DATABASE_URL!);
        url.username = one.role;
        url.password = encodeURIComponent(passwords[one.role]!);
        url.pathname = `/${one.database}`;
        const c = new pg.Client({ connectionString: url.toString() });
        await c.connect();
        const me = await c.query<{ u: string }>('SELECT current_user AS u');
        await c.end();
        expect(me.rows[0]!.u).toBe(one.role);
        // Another role may not open it.
        url.username = wanted[1]!.role;
        const other = new pg.Client({ connectionString: url.toString() });
        await expect(other.connect()).rejects.toThrow(/permission denied for database/);
        await other.end().catch(() => {});
      } finally {
        await admin.end();
      }
    });
  },
);
