import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { catalog, databaseOf, SERVICE_NAMES, type ServiceName } from '../../../services/catalog.js';
import { platformDatabases } from '../runtime/local/env-context.js';
import { serviceCredential } from '../runtime/local/service-credentials.js';
import { serviceDatabaseUrl } from '../runtime/local/postgres/database-names.js';
import { DEFAULT_DB_PREFIX } from '../runtime/local/options.js';
import { secretReads, type KubeObject } from '../manifests/kube.js';
import { NAMESPACE } from '../manifests/names.js';
import { POSTGRES_PORT, REDIS_PORT, secretName } from '../manifests/render.js';

/**
 * What `alphintra deploy` generates once per cluster and keeps in the cluster itself (the
 * Secret below), so every later deploy fills the Secrets with the same values: passwords of
 * the database roles and of the PostgreSQL superuser, the master of service credentials and
 * the JWT signing key. Nothing of it is written to the machine that deploys.
 */
export interface DeployCredentials {
  readonly postgresPassword: string;
  /** Redis's `requirepass`; services get it in REDIS_URL. */
  readonly redisPassword: string;
  /** Role -> password, for every role `platformDatabases` names. */
  readonly rolePasswords: Readonly<Record<string, string>>;
  readonly serviceCredentialMaster: string;
  /** PKCS#8 PEM of the RS256 signing key (auth derives the public key and its kid). */
  readonly jwtPrivateKeyPem: string;
}

export const CREDENTIALS_SECRET = 'alphintra-deploy-credentials';
/** The annotation the renderer puts on the Secrets deploy fills. */
const FILLED_BY = 'alphintra.dev/filled-by';
const CREDENTIALS_KEY = 'credentials.json';

const secret = () => randomBytes(32).toString('base64url');

/**
 * The credentials with anything missing generated: a first deploy generates all of them, a
 * later one keeps what the cluster holds and adds only what is new (a role a new service
 * brought). `stored` is what the credentials Secret held (undefined: none yet).
 */
export function ensureCredentials(stored: Partial<DeployCredentials> | undefined): {
  credentials: DeployCredentials;
  generated: string[];
} {
  const generated: string[] = [];
  const keep = <T>(what: string, value: T | undefined, make: () => T): T => {
    if (value !== undefined) return value;
    generated.push(what);
    return make();
  };
  const rolePasswords: Record<string, string> = { ...(stored?.rolePasswords ?? {}) };
  for (const { role } of platformDatabases(DEFAULT_DB_PREFIX))
    rolePasswords[role] = keep(`password of role ${role}`, rolePasswords[role], secret);
  const credentials: DeployCredentials = {
    postgresPassword: keep('PostgreSQL superuser password', stored?.postgresPassword, secret),
    redisPassword: keep('Redis password', stored?.redisPassword, secret),
    rolePasswords,
    serviceCredentialMaster: keep(
      'service credential master',
      stored?.serviceCredentialMaster,
      secret,
    ),
    jwtPrivateKeyPem: keep(
      'JWT signing key (RS256)',
      stored?.jwtPrivateKeyPem,
      () =>
        generateKeyPairSync('rsa', {
          modulusLength: 2048,
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        }).privateKey,
    ),
  };
  return { credentials, generated };
}

/** Reads the credentials Secret as the API returns it (base64 `data`); undefined when absent. */
export function credentialsFromSecret(
  object: { data?: Record<string, string> } | undefined,
): Partial<DeployCredentials> | undefined {
  const raw = object?.data?.[CREDENTIALS_KEY];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<DeployCredentials>;
  } catch {
    return undefined;
  }
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const meta = (name: string) => ({
  name,
  namespace: NAMESPACE,
  labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'alphintra' },
});

/** The Secret that keeps the credentials in the cluster. */
export function credentialsSecret(credentials: DeployCredentials): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...meta(CREDENTIALS_SECRET),
      annotations: { 'alphintra.dev/purpose': 'generated once by alphintra deploy; do not edit' },
    },
    type: 'Opaque',
    data: { [CREDENTIALS_KEY]: b64(JSON.stringify(credentials)) },
  };
}

const POSTGRES_HOST = `postgres.${NAMESPACE}.svc`;

function urlOf(role: string, database: string, c: DeployCredentials): string {
  const password = c.rolePasswords[role];
  if (password === undefined) throw new Error(`no password for role ${role}`);
  return serviceDatabaseUrl(
    `postgres://${POSTGRES_HOST}:${POSTGRES_PORT}/`,
    role,
    password,
    database,
  );
}

/** The value of each secret key a service's pods reference. */
function serviceSecretValues(service: ServiceName, c: DeployCredentials): Record<string, string> {
  const spec = catalog[service];
  const shared = (kind: 'bus' | 'discovery') => urlOf(kind, `alphintra_${kind}`, c);
  const values: Record<string, string> = {
    DISCOVERY_DATABASE_URL: shared('discovery'),
    BUS_DATABASE_URL: shared('bus'),
    SERVICE_CREDENTIAL: serviceCredential(c.serviceCredentialMaster, service),
    REDIS_URL: `redis://:${encodeURIComponent(c.redisPassword)}@redis.${NAMESPACE}.svc:${REDIS_PORT}`,
  };
  if (spec.postgres) {
    const { database, role } = databaseOf(service);
    values.DATABASE_URL = urlOf(role, database, c);
  }
  if (service === 'auth') values.SERVICE_CREDENTIAL_MASTER = c.serviceCredentialMaster;
  return values;
}

/** Every value a rendered Secret may be asked for, by Secret name. */
function valuesBySecret(c: DeployCredentials): Map<string, Record<string, string>> {
  const m = new Map<string, Record<string, string>>();
  for (const s of SERVICE_NAMES) m.set(secretName(s), serviceSecretValues(s, c));
  m.set(secretName('postgres'), { POSTGRES_PASSWORD: c.postgresPassword });
  m.set(secretName('redis'), { REDIS_PASSWORD: c.redisPassword });
  m.set('auth-keys', { 'jwt-private.pem': c.jwtPrivateKeyPem });
  return m;
}

/**
 * The rendered Secrets (those annotated for deploy to fill) with their values: each gets
 * exactly the keys the `workloads` read from it. A Secret or key nothing can fill, or one no
 * workload reads, is a bug in the renderer or here, and deploying it would leave a pod unable
 * to start or a secret where nothing needs it: it throws.
 */
export function fillSecrets(
  objects: readonly KubeObject[],
  workloads: readonly KubeObject[],
  credentials: DeployCredentials,
): KubeObject[] {
  const values = valuesBySecret(credentials);
  const keys = secretReads(workloads);
  return objects.map((o) => {
    if (o.kind !== 'Secret' || !o.metadata.annotations?.[FILLED_BY]) return o;
    const name = o.metadata.name;
    const available = values.get(name);
    const wanted = keys.get(name);
    if (!available) throw new Error(`deploy cannot fill Secret ${name}: no values for it`);
    if (!wanted) throw new Error(`deploy fills Secret ${name}, but no workload reads it`);
    const data: Record<string, string> = {};
    for (const key of wanted === 'all' ? Object.keys(available) : wanted) {
      const value = available[key];
      if (value === undefined) throw new Error(`deploy cannot fill ${name}.${key}`);
      data[key] = b64(value);
    }
    return { ...o, data };
  });
}
