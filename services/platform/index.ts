/**
 * The platform kit: everything a service is built from. A service needs three files of
 * wiring: config.ts (its schema), app.ts (`build`) and main.ts (`runService`).
 */
export {
  commonConfig,
  configFromEnv,
  parseConfig,
  Profile,
  serviceConfigSchema,
  upstreamUrl,
  type KitConfig,
} from './config.js';
export {
  createService,
  type BuildOptions,
  type Capabilities,
  type Identity,
  type ServiceDefinition,
} from './create-service.js';
export {
  accessErrors,
  jwksFromAuth,
  ROLES,
  type AuthenticatedUser,
  type Role,
} from './plugins/auth.js';
export { localSocketConnector, localSocketPath } from './local-socket.js';
export {
  createServiceClient,
  isUpstreamRejected,
  serviceClientErrors,
  type CallContext,
  type CallOptions,
  type ServiceClient,
  type ServiceResponse,
  type UpstreamAnswer,
} from './service-client.js';
export {
  ConfigError,
  defineErrors,
  platformErrors,
  withExtras,
  type ErrorRegistry,
} from './errors.js';
export { loadMigrations, migrate, type Migration, type MigrationResult } from './migrate.js';
export { migrationsDir, packageRoot } from './package-root.js';
export type { Health, ReadinessCheck } from './plugins/health.js';
export type { Metrics } from './plugins/metrics.js';
export { problemFor, sendProblem, PROBLEM_CONTENT_TYPE, type Problem } from './plugins/problem.js';
export { runService } from './run-service.js';
export {
  announceInstance,
  createPgResolver,
  createStaticResolver,
  type Announcement,
  type PgResolver,
  type Resolver,
  type ServiceInstance,
} from './discovery/index.js';
