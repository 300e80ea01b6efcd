import { describe, expect, test } from 'vitest';
import { catalog, type ServiceSpec } from '../../services/catalog.js';
import { buildServiceEnv } from '../../cli/lib/runtime/local/env.js';
import { envContext } from '../../cli/lib/runtime/local/env-context.js';
import type { KeyFiles } from '../../cli/lib/runtime/local/keys.js';
import { serviceCredential } from '../../cli/lib/runtime/local/service-credentials.js';

const keys: KeyFiles = {
  jwtPrivateKeyFile: '/h/keys/jwt-private.pem',
  jwtPublicKeyFile: '/h/keys/jwt-public.pem',
  jwtKid: 'kid-1',
  certPrivateKeyFile: '/h/keys/cert-private.pem',
  certPublicKeyFile: '/h/keys/cert-public.pem',
  created: false,
};

const ctx = (parentEnv: NodeJS.ProcessEnv = {}, redisUrl?: string) =>
  envContext({
    profile: 'dev',
    logLevel: 'info',
    portBase: 5000,
    dbPrefix: 'alphintra',
    serverUrl: 'postgres://127.0.0.1:5099/?sslmode=disable',
    passwords: { trading: 'pw-trading', discovery: 'pw-disc', bus: 'pw-bus' },
    redisUrl,
    keys,
    serviceCredentialMaster: 'm'.repeat(64),
    parentEnv,
  });

describe('buildServiceEnv', () => {
  test('trading: common vars, its own database, the bus, one URL per upstream, nothing else', () => {
    const { env, unresolved } = buildServiceEnv(
      catalog.trading,
      { service: 'trading', index: 1, id: 'trading-1', port: 5120 },
      ctx({ PATH: '/bin', DATABASE_URL: 'postgres://postgres:admin@db/postgres', SECRET: 'x' }),
    );
    expect(unresolved).toEqual([]);
    expect(env).toEqual({
      PATH: '/bin',
      ALPHINTRA_PROFILE: 'dev',
      SERVICE_NAME: 'trading',
      INSTANCE_ID: 'trading-1',
      HOST: '127.0.0.1',
      PORT: '5120',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      JWT_ISSUER: 'alphintra-auth',
      JWT_AUDIENCE: 'alphintra-api',
      SERVICE_CREDENTIAL: serviceCredential('m'.repeat(64), 'trading'),
      DISCOVERY_DATABASE_URL:
        'postgres://discovery:pw-disc@127.0.0.1:5099/alphintra_discovery?sslmode=disable',
      DATABASE_URL:
        'postgres://trading:pw-trading@127.0.0.1:5099/alphintra_trading?sslmode=disable',
      BUS_DATABASE_URL: 'postgres://bus:pw-bus@127.0.0.1:5099/alphintra_bus?sslmode=disable',
      AUTH_URL: 'http://127.0.0.1:5010',
      RISK_URL: 'http://127.0.0.1:5021',
      BROKER_URL: 'http://127.0.0.1:5022',
    });
  });

  test('REDIS_URL only for services that may use Redis, and only when set', () => {
    const i = { service: 'gateway' as const, index: 0, id: 'gateway-0', port: 5000 };
    expect(buildServiceEnv(catalog.gateway, i, ctx({}, 'redis://r:6379')).env.REDIS_URL).toBe(
      'redis://r:6379',
    );
    expect(buildServiceEnv(catalog.gateway, i, ctx({})).env.REDIS_URL).toBeUndefined();
    expect(
      buildServiceEnv(catalog.trading, { ...i, service: 'trading' }, ctx({}, 'redis://r:6379')).env
        .REDIS_URL,
    ).toBeUndefined();
  });

  test('only auth gets the credential master; every service gets its own credential', () => {
    const authEnv = buildServiceEnv(
      catalog.auth,
      { service: 'auth', index: 0, id: 'auth-0', port: 5010 },
      ctx(),
    ).env;
    const riskEnv = buildServiceEnv(
      catalog.risk,
      { service: 'risk', index: 0, id: 'risk-0', port: 5021 },
      ctx(),
    ).env;
    expect(authEnv.SERVICE_CREDENTIAL_MASTER).toBe('m'.repeat(64));
    expect(riskEnv.SERVICE_CREDENTIAL_MASTER).toBeUndefined();
    expect(riskEnv.SERVICE_CREDENTIAL).toBe(serviceCredential('m'.repeat(64), 'risk'));
    expect(riskEnv.SERVICE_CREDENTIAL).not.toBe(authEnv.SERVICE_CREDENTIAL);
  });

  test('catalog env: key paths from the providers, others pass through, the rest is reported', () => {
    const spec: ServiceSpec = {
      ...catalog.auth,
      env: [
        'JWT_PRIVATE_KEY_FILE',
        'JWT_KID',
        'JWKS_URL',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'MISSING_VAR',
      ],
    };
    const { env, unresolved } = buildServiceEnv(
      spec,
      { service: 'auth', index: 0, id: 'auth-0', port: 5010 },
      ctx({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' }),
    );
    expect([
      env.JWT_PRIVATE_KEY_FILE,
      env.JWT_KID,
      env.JWKS_URL,
      env.OTEL_EXPORTER_OTLP_ENDPOINT,
    ]).toEqual([
      '/h/keys/jwt-private.pem',
      'kid-1',
      'http://127.0.0.1:5010/.well-known/jwks.json',
      'http://otel:4318',
    ]);
    expect(unresolved).toEqual(['MISSING_VAR']);
  });

  test("ALPHINTRA_SERVICE_NODE_OPTIONS becomes the services' NODE_OPTIONS; the CLI's own does not", () => {
    const i = { service: 'risk' as const, index: 0, id: 'risk-0', port: 5021 };
    expect(
      buildServiceEnv(catalog.risk, i, ctx({ NODE_OPTIONS: '--inspect' })).env.NODE_OPTIONS,
    ).toBeUndefined();
    expect(
      buildServiceEnv(
        catalog.risk,
        i,
        ctx({ ALPHINTRA_SERVICE_NODE_OPTIONS: '--max-old-space-size=128' }),
      ).env.NODE_OPTIONS,
    ).toBe('--max-old-space-size=128');
  });
});
