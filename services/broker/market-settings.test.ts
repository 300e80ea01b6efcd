import { describe, expect, test } from 'vitest';
import { parseConfig } from '../platform/index.js';
import { configSchema } from './config.js';
import { marketSettings } from './market-settings.js';

const base = {
  SERVICE_NAME: 'broker',
  PORT: 0,
  DATABASE_URL: 'postgres://x@127.0.0.1/b',
  BUS_DATABASE_URL: 'postgres://x@127.0.0.1/bus',
  AUTH_URL: 'http://127.0.0.1:1',
  JWT_ISSUER: 'i',
  JWT_AUDIENCE: 'a',
  SERVICE_CREDENTIAL: 'c'.repeat(43),
};

describe('broker market settings', () => {
  test('defaults: seed, start, one-second steps, 0.1 % fee, wall clock outside test', () => {
    expect(marketSettings(parseConfig(configSchema, base))).toEqual({
      seed: 'alphintra',
      startMs: Date.parse('2026-01-01T00:00:00Z'),
      stepMs: 1000,
      feeRateCentiBps: 1000,
      manualClock: false,
    });
  });

  test('values from config; only the test profile steps the clock by hand', () => {
    const config = parseConfig(configSchema, {
      ...base,
      ALPHINTRA_PROFILE: 'test',
      MARKET_SEED: 's',
      MARKET_START: '2025-06-01T12:00:00.500Z',
      MARKET_STEP_MS: '250',
      FEE_RATE: '0.000025',
    });
    expect(marketSettings(config)).toEqual({
      seed: 's',
      startMs: Date.parse('2025-06-01T12:00:00.500Z'),
      stepMs: 250,
      feeRateCentiBps: 25,
      manualClock: true,
    });
  });

  test('a bad start, step or fee rate is refused, all at once', () => {
    const bad = { ...base, MARKET_START: 'yesterday', MARKET_STEP_MS: '0', FEE_RATE: '1.5' };
    expect(() => parseConfig(configSchema, bad)).toThrow(
      expect.objectContaining({
        code: 'ALP_PLATFORM_CONFIG_INVALID',
        problems: [
          expect.objectContaining({ key: 'MARKET_START' }),
          expect.objectContaining({ key: 'MARKET_STEP_MS' }),
          expect.objectContaining({ key: 'FEE_RATE' }),
        ],
      }),
    );
  });
});
