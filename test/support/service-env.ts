import {
  catalog,
  upstreamEnvVar,
  upstreamsOf,
  usesBus,
  type ServiceName,
} from '../../services/catalog.js';
import { TEST_AUDIENCE, TEST_ISSUER } from './identity.js';

/** Where a test's service looks for an upstream it must never reach (nothing listens on 1). */
export const UNREACHABLE_URL = 'http://127.0.0.1:1';

/**
 * The env of one service under test (before parseConfig): its name, port 0, silent logs, its
 * database (and the bus in it, when the service uses the bus), every upstream the catalog
 * gives it pointed at nothing, the test identity's issuer and audience, a credential;
 * `overrides` adds or replaces variables (an upstream a test fakes, a setting).
 */
export function testServiceEnv(
  service: ServiceName,
  databaseUrl: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const spec = catalog[service];
  return {
    SERVICE_NAME: service,
    PORT: 0,
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    ...(usesBus(spec) && { BUS_DATABASE_URL: databaseUrl }),
    ...Object.fromEntries(upstreamsOf(spec).map((u) => [upstreamEnvVar(u), UNREACHABLE_URL])),
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    SERVICE_CREDENTIAL: 'c'.repeat(43),
    ...overrides,
  };
}
