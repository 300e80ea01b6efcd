export type { Registry, Resolver, ServiceInstance, RegisteredInstance } from './types.js';
export { DISCOVERY_CHANNEL, DISCOVERY_SCHEMA_SQL, ensureDiscoverySchema } from './schema.js';
export { createPgRegistry, listInstances } from './pg-registry.js';
export { startRegistration, type Registration, type RegistrationOptions } from './registration.js';
export { createBalancer, type BalancerOptions, type ViewEntry } from './balancer.js';
export { createStaticResolver } from './static-resolver.js';
export { createPgResolver, type PgResolver, type PgResolverOptions } from './pg-resolver.js';
export {
  advertisedUrl,
  announceInstance,
  type AnnounceOptions,
  type Announcement,
} from './announce.js';
