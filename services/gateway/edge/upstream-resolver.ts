import pg from 'pg';
import type { ServiceName } from '../../catalog.js';
import {
  createPgResolver,
  createStaticResolver,
  ensureDiscoverySchema,
  type BalancerOptions,
  type Resolver,
} from '../../platform/discovery/index.js';
import { staticUpstreamUrls } from './static-upstreams.js';

export interface ResolverChoice {
  readonly resolver: Resolver;
  readonly kind: 'registry' | 'static';
  close(): Promise<void>;
}

/**
 * The registry (in-memory view kept current by LISTEN/NOTIFY) when DISCOVERY_DATABASE_URL is
 * set; otherwise fixed URLs (Kubernetes Service DNS, or the local layout derived from AUTH_URL).
 */
export async function resolverFromConfig(
  config: Readonly<Record<string, unknown>>,
  services: readonly ServiceName[],
  opts: BalancerOptions & { onError?: (err: unknown) => void } = {},
): Promise<ResolverChoice> {
  const url = config.DISCOVERY_DATABASE_URL;
  if (typeof url === 'string') {
    // The gateway may start before any instance registered: it creates the (idempotent,
    // advisory-locked) schema itself rather than failing on a missing table.
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5_000 });
    try {
      await ensureDiscoverySchema(pool);
    } finally {
      await pool.end();
    }
    const resolver = await createPgResolver({ ...opts, connectionString: url });
    return { resolver, kind: 'registry', close: () => resolver.close() };
  }
  return {
    resolver: createStaticResolver(staticUpstreamUrls(config, services), opts),
    kind: 'static',
    close: async () => undefined,
  };
}
