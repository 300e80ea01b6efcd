import type { TObject } from '@sinclair/typebox';
import { describe, expect, test } from 'vitest';
import { configSchema as auth } from './auth/config.js';
import { configSchema as broker } from './broker/config.js';
import {
  catalog,
  COMMON_ENV,
  SERVICE_NAMES,
  upstreamEnvVar,
  upstreamsOf,
  usesBus,
  type ServiceName,
} from './catalog.js';
import { configSchema as gateway } from './gateway/config.js';
import { configSchema as graphqlGateway } from './graphql-gateway/config.js';
import { configSchema as noCode } from './no-code/config.js';
import { configSchema as notification } from './notification/config.js';
import { configSchema as risk } from './risk/config.js';
import { configSchema as strategy } from './strategy/config.js';
import { configSchema as trading } from './trading/config.js';
import { configSchema as user } from './user/config.js';

const schemas: Record<ServiceName, TObject> = {
  gateway,
  'graphql-gateway': graphqlGateway,
  auth,
  user,
  trading,
  risk,
  broker,
  strategy,
  'no-code': noCode,
  notification,
};

// The env contract (check V002's foundation): a service reads exactly the variables its
// catalog entry implies, so the runtime and the manifests can derive them from the catalog.
describe('service config schemas follow the catalog', () => {
  test.each([...SERVICE_NAMES])('%s', (name) => {
    const spec = catalog[name];
    const expected = [
      ...COMMON_ENV,
      ...(spec.postgres ? ['DATABASE_URL'] : []),
      ...(spec.redis === 'optional' ? ['REDIS_URL'] : []),
      ...(usesBus(spec) ? ['BUS_DATABASE_URL'] : []),
      ...upstreamsOf(spec).map(upstreamEnvVar),
      ...spec.env,
    ].sort();
    expect(Object.keys(schemas[name].properties).sort()).toEqual(expected);
  });
});
