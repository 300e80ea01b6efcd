import { parseConfig } from '../../platform/index.js';
import { configSchema, type Config } from '../config.js';
import { AUDIENCE, ISSUER } from './tokens.js';

/** A valid gateway config for tests (AUTH_URL points nowhere unless overridden). */
export function gatewayConfig(over: Record<string, unknown> = {}): Config {
  return parseConfig(configSchema, {
    SERVICE_NAME: 'gateway',
    PORT: 0,
    LOG_LEVEL: 'silent',
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    SERVICE_CREDENTIAL: 'c'.repeat(43),
    AUTH_URL: 'http://127.0.0.1:1',
    ...over,
  });
}
