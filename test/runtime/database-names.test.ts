import pg from 'pg';
import { describe, expect, test } from 'vitest';
import {
  databaseFor,
  serverUrlOf,
  serviceDatabaseUrl,
  sharedDatabase,
} from '../../cli/lib/runtime/local/postgres/database-names.js';

describe('databaseFor', () => {
  test.each([
    ['trading', 'alphintra', 'alphintra_trading', 'trading'],
    ['no-code', 'alphintra', 'alphintra_no_code', 'no_code'],
    ['trading', 'ci_7', 'ci_7_trading', 'ci_7_trading'],
    ['no-code', 'ci_7', 'ci_7_no_code', 'ci_7_no_code'],
  ] as const)('%s with prefix %s -> database %s, role %s', (svc, prefix, database, role) => {
    expect(databaseFor(svc, prefix)).toEqual({ database, role });
  });
});

describe('sharedDatabase', () => {
  test.each([
    ['discovery', 'alphintra', 'alphintra_discovery', 'discovery'],
    ['bus', 'alphintra', 'alphintra_bus', 'bus'],
    ['bus', 'ci_7', 'ci_7_bus', 'ci_7_bus'],
  ] as const)('%s with prefix %s -> database %s, role %s', (kind, prefix, database, role) => {
    expect(sharedDatabase(kind, prefix)).toEqual({ database, role });
  });
});

describe('URLs', () => {
  test('the recorded server URL has no credentials and no database', () => {
    expect(serverUrlOf('postgres://admin:s3cret@db.local:6543/postgres?sslmode=require')).toBe(
      'postgres://db.local:6543/?sslmode=require',
    );
  });

  test('a service URL is the server URL with its role, password and database', () => {
    expect(
      serviceDatabaseUrl(
        'postgres://db.local:6543/?sslmode=require',
        'risk',
        'p/w+',
        'alphintra_risk',
      ),
    ).toBe('postgres://risk:p%2Fw%2B@db.local:6543/alphintra_risk?sslmode=require');
  });

  test('with a socket directory, node-postgres connects through <dir>/.s.PGSQL.<port>', () => {
    const url = serviceDatabaseUrl(
      'postgres://127.0.0.1:4099/',
      'trading',
      'pw',
      'alphintra_trading',
      '/tmp/alp home/data/run',
    );
    expect(url).toBe(
      'postgres://trading:pw@127.0.0.1:4099/alphintra_trading?host=%2Ftmp%2Falp+home%2Fdata%2Frun',
    );
    expect(new pg.Client({ connectionString: url })).toMatchObject({
      host: '/tmp/alp home/data/run',
      port: 4099,
      database: 'alphintra_trading',
      user: 'trading',
      password: 'pw',
    });
  });
});
