import {
  COMMON_ENV,
  type ServiceName,
  type ServiceSpec,
  upstreamEnvVar,
  upstreamsOf,
  usesBus,
} from '../../../../services/catalog.js';
import type { KeyFiles } from './keys.js';
import type { SharedDatabase } from './postgres/database-names.js';
import type { InstancePlan } from './port-plan.js';
import { serviceCredential } from './service-credentials.js';

/** Token issuer and audience of the local platform (auth signs with them, every service verifies). */
export const JWT_ISSUER = 'alphintra-auth';
export const JWT_AUDIENCE = 'alphintra-api';

/**
 * Origins the local gateway allows by CORS unless CORS_ORIGINS says otherwise: a web front end
 * in development on port 3000 (the e2e suite's preflight test uses the first).
 */
export const LOCAL_CORS_ORIGINS = 'http://localhost:3000,http://127.0.0.1:3000';

/** What the env of every service process is built from. */
export interface EnvContext {
  profile: string;
  logLevel: string;
  host: string;
  shutdownTimeoutMs: number;
  /** Port of the first instance of each service (upstream URLs point there). */
  portOf: (service: ServiceName) => number;
  /** Base URL another service reaches `service` at (local: the host and that port). */
  urlOf: (service: ServiceName) => string;
  /** The service's own DATABASE_URL (its role, its database), when it uses Postgres. */
  databaseUrlOf: (service: ServiceName) => string | undefined;
  redisUrl: string | undefined;
  /** URL of a database every instance shares: the discovery registry, the event bus. */
  sharedDatabaseUrl: (kind: SharedDatabase) => string | undefined;
  keys: KeyFiles;
  /** Master secret of service credentials (only auth receives it). */
  serviceCredentialMaster: string;
  /** The CLI's own environment: catalog-listed variables not provided below pass through. */
  parentEnv: NodeJS.ProcessEnv;
  /** Where instances serve and reach each other over Unix sockets (SOCKET_DIR); undefined: TCP. */
  socketDir?: string | undefined;
}

/** Common variables a service runs without (its TCP port is enough); never reported unset. */
const OPTIONAL_COMMON: ReadonlySet<string> = new Set(['SOCKET_DIR']);

/**
 * Extension point for service-specific variables (catalog `env`). A variable listed in a
 * service's catalog entry gets its value from here; anything not here passes through from
 * the CLI's environment when set there. The edge/auth work adds its variable names to the
 * catalog; the values they need are already provided.
 */
export const SERVICE_ENV_PROVIDERS: Readonly<
  Record<string, (ctx: EnvContext, service: ServiceName) => string | undefined>
> = {
  JWT_ISSUER: () => JWT_ISSUER,
  JWT_AUDIENCE: () => JWT_AUDIENCE,
  SERVICE_CREDENTIAL: (ctx, service) => serviceCredential(ctx.serviceCredentialMaster, service),
  SERVICE_CREDENTIAL_MASTER: (ctx) => ctx.serviceCredentialMaster,
  DISCOVERY_DATABASE_URL: (ctx) => ctx.sharedDatabaseUrl('discovery'),
  JWT_PRIVATE_KEY_FILE: (ctx) => ctx.keys.jwtPrivateKeyFile,
  JWT_PUBLIC_KEY_FILE: (ctx) => ctx.keys.jwtPublicKeyFile,
  JWT_KID: (ctx) => ctx.keys.jwtKid,
  CERT_PRIVATE_KEY_FILE: (ctx) => ctx.keys.certPrivateKeyFile,
  CERT_PUBLIC_KEY_FILE: (ctx) => ctx.keys.certPublicKeyFile,
  CORS_ORIGINS: (ctx) => ctx.parentEnv.CORS_ORIGINS ?? LOCAL_CORS_ORIGINS,
  JWKS_URL: (ctx) => `${ctx.urlOf('auth')}/.well-known/jwks.json`,
};

/** Process-level variables a Node child needs to run at all; nothing else leaks from the CLI. */
export const INHERITED = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TZ',
  'LANG',
  'LC_ALL',
  'NODE_EXTRA_CA_CERTS',
  'SystemRoot',
];

export interface ServiceEnv {
  env: Record<string, string>;
  /** Catalog-listed variables with no provider and not set in the CLI's environment. */
  unresolved: string[];
}

/**
 * The env of one instance, per the TEAM.md contract. The admin DATABASE_URL given to the
 * CLI never reaches a service: each gets a URL for its own role and database.
 */
export function buildServiceEnv(
  spec: ServiceSpec,
  instance: InstancePlan,
  ctx: EnvContext,
): ServiceEnv {
  const env: Record<string, string> = {};
  for (const k of INHERITED) {
    const v = ctx.parentEnv[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, {
    ALPHINTRA_PROFILE: ctx.profile,
    SERVICE_NAME: spec.name,
    INSTANCE_ID: instance.id,
    HOST: ctx.host,
    PORT: String(instance.port),
    LOG_LEVEL: ctx.logLevel,
    SHUTDOWN_TIMEOUT_MS: String(ctx.shutdownTimeoutMs),
  });
  if (ctx.socketDir !== undefined) env.SOCKET_DIR = ctx.socketDir;
  if (spec.postgres) {
    const url = ctx.databaseUrlOf(spec.name);
    if (url !== undefined) env.DATABASE_URL = url;
  }
  if (spec.redis === 'optional' && ctx.redisUrl !== undefined) env.REDIS_URL = ctx.redisUrl;
  if (usesBus(spec)) {
    const bus = ctx.sharedDatabaseUrl('bus');
    if (bus !== undefined) env.BUS_DATABASE_URL = bus;
  }
  // Start-order dependencies and request-time calls alike get a base URL.
  for (const dep of upstreamsOf(spec)) {
    env[upstreamEnvVar(dep)] = ctx.urlOf(dep);
  }
  // Node flags for the services only (--inspect, --max-old-space-size, a --require hook):
  // the CLI's own NODE_OPTIONS is not passed on, so flags meant for it stay with it.
  const nodeOptions = ctx.parentEnv.ALPHINTRA_SERVICE_NODE_OPTIONS;
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  const unresolved: string[] = [];
  // Common variables beyond the fixed ones above (issuer, credentials, discovery), then the
  // service's own catalog variables: a provider's value, else the CLI's environment.
  const extra = [...COMMON_ENV.filter((n) => !(n in env) && !OPTIONAL_COMMON.has(n)), ...spec.env];
  for (const name of extra) {
    const provided = SERVICE_ENV_PROVIDERS[name]?.(ctx, spec.name) ?? ctx.parentEnv[name];
    if (provided === undefined) unresolved.push(name);
    else env[name] = provided;
  }
  return { env, unresolved };
}
