import { Type } from '@sinclair/typebox';
import { describe, expect, test } from 'vitest';
import { catalog, COMMON_ENV } from '../catalog.js';
import { commonConfig, configFromEnv, parseConfig, serviceConfigSchema } from './config.js';
import { ConfigError } from './errors.js';

const schema = serviceConfigSchema(
  { ...catalog.trading, env: ['MAX_THINGS'] },
  { MAX_THINGS: Type.Integer({ minimum: 1 }) },
);
const valid = {
  SERVICE_NAME: 'trading',
  PORT: '4020',
  DATABASE_URL: 'postgres://trading@127.0.0.1:5432/alphintra_trading',
  BUS_DATABASE_URL: 'postgres://bus@127.0.0.1:5432/alphintra_bus',
  AUTH_URL: 'http://127.0.0.1:4010',
  RISK_URL: 'http://127.0.0.1:4021',
  BROKER_URL: 'http://127.0.0.1:4022',
  MAX_THINGS: '3',
  JWT_ISSUER: 'http://auth',
  JWT_AUDIENCE: 'alphintra',
  SERVICE_CREDENTIAL: 'c'.repeat(43),
};

describe('parseConfig', () => {
  test('converts strings to the schema types and freezes the result', () => {
    const config = parseConfig(schema, valid);
    expect(config.PORT).toBe(4020);
    expect(config.MAX_THINGS).toBe(3);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('reports every problem at once, including unknown keys', () => {
    const bad = { ...valid, PORT: 'eighty', RISK_URL: 'ftp://x', SURPRISE: '1' } as Record<
      string,
      unknown
    >;
    delete bad.DATABASE_URL;
    let caught: unknown;
    try {
      parseConfig(schema, bad, 'trading');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const keys = (caught as ConfigError).problems.map((p) => p.key).sort();
    expect(keys).toEqual(['DATABASE_URL', 'PORT', 'RISK_URL', 'SURPRISE']);
    expect((caught as ConfigError).code).toBe('ALP_PLATFORM_CONFIG_INVALID');
    expect((caught as ConfigError).message).toMatch(/^invalid configuration for trading: /);
  });

  test('reads only the schema keys from the environment', () => {
    const config = configFromEnv(schema, {
      ...valid,
      PATH: '/usr/bin',
      HOME: '/root',
      LOG_LEVEL: '',
    });
    expect(Object.keys(config).sort()).toEqual(Object.keys(valid).sort());
  });
});

describe('serviceConfigSchema', () => {
  test('common variables equal the catalog contract', () => {
    expect(Object.keys(commonConfig).sort()).toEqual([...COMMON_ENV].sort());
  });

  test('a schema that reads a variable the catalog does not declare is refused', () => {
    expect(() => serviceConfigSchema(catalog.user, { SURPRISE: Type.String() })).toThrow(
      'user: config schema reads [SURPRISE] but the catalog declares []',
    );
  });
});
