import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  upstreamEnvVar,
  upstreamsOf,
  usesBus,
  type ServiceName,
  type ServiceSpec,
} from '../catalog.js';
import { ConfigError } from './errors.js';

/** Deployment profile: `test` enables test-only routes (e.g. stepping the market clock); `prod` hardens. */
export const Profile = Type.Union([
  Type.Literal('dev'),
  Type.Literal('test'),
  Type.Literal('prod'),
]);
export type Profile = Static<typeof Profile>;

const LogLevel = Type.Union(
  (['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const).map((l) =>
    Type.Literal(l),
  ),
);

/** Variables every service reads; the names equal catalog.COMMON_ENV (a test keeps them equal). */
export const commonConfig = {
  ALPHINTRA_PROFILE: Type.Optional(Profile),
  SERVICE_NAME: Type.String({ minLength: 1 }),
  INSTANCE_ID: Type.Optional(Type.String({ minLength: 1 })),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Optional(LogLevel),
  SHUTDOWN_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  /** Access tokens are verified against the auth service's JWKS with this issuer and audience. */
  JWT_ISSUER: Type.String({ minLength: 1 }),
  JWT_AUDIENCE: Type.String({ minLength: 1 }),
  /** This service's credential, exchanged at auth for short-lived service tokens. */
  SERVICE_CREDENTIAL: Type.String({ minLength: 32 }),
  /** Where instances register (local target); absent on Kubernetes, where Service DNS resolves. */
  DISCOVERY_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /**
   * Local runtime only: this instance also serves on `<SOCKET_DIR>/<port>.sock`, and its calls
   * to a loopback URL go through the target port's socket there (see local-socket.ts).
   */
  SOCKET_DIR: Type.Optional(Type.String({ pattern: '^/' })),
} satisfies TProperties;

const PostgresUrl = Type.String({ pattern: '^postgres(ql)?://' });
const RedisUrl = Type.String({ pattern: '^rediss?://' });
const HttpUrl = Type.String({ pattern: '^https?://' });

/** What the platform kit itself reads from any service's config. */
export type KitConfig = Static<TObject<typeof commonConfig>> & {
  readonly DATABASE_URL?: string;
  readonly REDIS_URL?: string;
  readonly BUS_DATABASE_URL?: string;
};

/**
 * The config schema of one service, derived from its catalog entry: the common variables,
 * DATABASE_URL when it uses Postgres, REDIS_URL (optional) when it may use Redis, one
 * `<UPSTREAM>_URL` per dependency, plus the service's own properties.
 */
export function serviceConfigSchema<P extends TProperties = Record<never, never>>(
  spec: ServiceSpec,
  own?: P,
): TObject<typeof commonConfig & P> {
  const props: TProperties = { ...commonConfig };
  if (spec.postgres) props.DATABASE_URL = PostgresUrl;
  if (spec.redis === 'optional') props.REDIS_URL = Type.Optional(RedisUrl);
  if (usesBus(spec)) props.BUS_DATABASE_URL = PostgresUrl;
  for (const dep of upstreamsOf(spec)) props[upstreamEnvVar(dep)] = HttpUrl;
  // The catalog lists the service's own variables; the schema must read exactly those, so the
  // runtime, the manifests and the service can never disagree on a name.
  const ownKeys = Object.keys(own ?? {}).sort();
  const declared = [...spec.env].sort();
  if (ownKeys.join() !== declared.join()) {
    throw new Error(
      `${spec.name}: config schema reads [${ownKeys.join(', ')}] but the catalog declares [${declared.join(', ')}]`,
    );
  }
  Object.assign(props, own ?? {});
  return Type.Object(props, { additionalProperties: false }) as TObject<typeof commonConfig & P>;
}

/** The base URL of an upstream from a service's config (present by construction of the schema). */
export function upstreamUrl(config: object, name: ServiceName): string {
  const url = (config as Record<string, unknown>)[upstreamEnvVar(name)];
  if (typeof url !== 'string') throw new Error(`config has no ${upstreamEnvVar(name)}`);
  return url.replace(/\/+$/, '');
}

/**
 * Validates a config object against a schema: every problem is reported at once, unknown
 * keys are refused, strings are converted to the schema's types, and the result is frozen.
 */
export function parseConfig<S extends TObject>(
  schema: S,
  input: Readonly<Record<string, unknown>>,
  service?: string,
): Readonly<Static<S>> {
  const value = Value.Convert(schema, { ...input }) as Record<string, unknown>;
  const problems = new Map<string, { key: string; message: string }>();
  for (const e of Value.Errors(schema, value)) {
    const key = e.path.replace(/^\//, '') || '(root)';
    // Unions report one error per member; the first message per key is the useful one.
    if (!problems.has(key)) problems.set(key, { key, message: e.message });
  }
  for (const key of Object.keys(value)) {
    if (!(key in schema.properties)) problems.set(key, { key, message: 'unknown key' });
  }
  if (problems.size > 0) throw new ConfigError([...problems.values()], service);
  return Object.freeze(value) as Readonly<Static<S>>;
}

/** Reads exactly the schema's keys from the environment (other variables are none of ours). */
export function configFromEnv<S extends TObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Static<S>> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  return parseConfig(schema, picked, env.SERVICE_NAME);
}
