import { createBalancer, type BalancerOptions } from './balancer.js';
import type { Resolver } from './types.js';

/**
 * A resolver over fixed URLs: Kubernetes Service DNS (`http://trading:4020`, the Service
 * balancing behind it), or the `<UPSTREAM>_URL` variables when no registry is configured.
 * Several URLs per service are balanced and ejected exactly like registered instances.
 */
export function createStaticResolver(
  urls: Readonly<Record<string, string | readonly string[]>>,
  opts: BalancerOptions = {},
): Resolver {
  const balancer = createBalancer(opts);
  balancer.setView(
    Object.entries(urls).flatMap(([service, u]) =>
      (typeof u === 'string' ? [u] : u).map((url, i) => ({
        instance: { service, instanceId: `static-${i}`, url },
        deadline: Number.POSITIVE_INFINITY,
      })),
    ),
  );
  return {
    resolve: (s) => balancer.pick(s),
    instances: (s) => balancer.instances(s),
    reportFailure: (i) => balancer.reportFailure(i),
    reportSuccess: (i) => balancer.reportSuccess(i),
  };
}
