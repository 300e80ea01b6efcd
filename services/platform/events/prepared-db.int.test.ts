import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { statementName } from '../pipeline.js';
import { createPreparedDb, type PreparedDb } from './prepared-db.js';

describe.skipIf(!ADMIN_DATABASE_URL)(
  'the prepared database pg-boss is given (real PostgreSQL)',
  () => {
    let database: TestDatabase;
    let db: PreparedDb;
    const errors: Error[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('prepared_db');
      // One connection, so every statement below runs in the same session.
      db = createPreparedDb({
        connectionString: database.url,
        applicationName: 'prepared-db-test',
        max: 1,
        onError: (e) => errors.push(e),
      });
      await db.executeSql(`
      CREATE TABLE parts (id int, name text) PARTITION BY LIST (name);
      CREATE TABLE parts_a PARTITION OF parts FOR VALUES IN ('a');
      CREATE TABLE parts_b PARTITION OF parts FOR VALUES IN ('b');
      INSERT INTO parts VALUES (1, 'a'), (2, 'b'), (3, 'b');`);
    });
    afterAll(async () => {
      await db?.close();
      await database?.drop();
    });

    const QUERY = 'SELECT count(*)::int AS n FROM parts WHERE name = $1';

    test('a parameterised statement is prepared once and runs with a generic plan', async () => {
      for (const name of ['a', 'b', 'b', 'a', 'b', 'b', 'a']) {
        const { rows } = await db.executeSql(QUERY, [name]);
        expect(rows[0].n).toBe(name === 'a' ? 1 : 2);
      }
      const { rows } = await db.executeSql(
        'SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1',
        [statementName(QUERY)!],
      );
      // Seven runs, no custom plan: the partition is chosen when the plan runs.
      expect(rows).toEqual([{ generic_plans: '7', custom_plans: '0' }]);
    });

    test('several statements without parameters still run as one text', async () => {
      const results = (await db.executeSql(
        `SELECT 1 AS one; SELECT count(*)::int AS n FROM parts`,
      )) as unknown as { rows: unknown[] }[];
      expect(results.map((r) => r.rows)).toEqual([[{ one: 1 }], [{ n: 3 }]]);
      expect(errors).toEqual([]);
    });
  },
);
