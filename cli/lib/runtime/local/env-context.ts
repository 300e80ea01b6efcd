import { mkdir } from 'node:fs/promises';
import { catalog, SERVICE_NAMES, type ServiceName } from '../../../../services/catalog.js';
import { socketDirFits } from '../../../../services/platform/local-socket.js';
import type { EnvContext } from './env.js';
import type { KeyFiles } from './keys.js';
import { instancePort } from './port-plan.js';
import {
  databaseFor,
  serviceDatabaseUrl,
  sharedDatabase,
  type SharedDatabase,
} from './postgres/database-names.js';

/** How long a service may drain on SIGTERM; the runtime waits a little longer before SIGKILL. */
export const SHUTDOWN_TIMEOUT_MS = 5000;
export const LOCAL_HOST = '127.0.0.1';

export interface EnvInputs {
  profile: string;
  logLevel: string;
  portBase: number;
  dbPrefix: string;
  /** PostgreSQL server URL without credentials (state.postgres.url). */
  serverUrl: string;
  /** The embedded server's Unix socket directory (state.postgres.socketDir), when it has one. */
  socketDir?: string | undefined;
  passwords: Record<string, string>;
  redisUrl: string | undefined;
  keys: KeyFiles;
  serviceCredentialMaster: string;
  parentEnv: NodeJS.ProcessEnv;
  /** HomePaths.sockets when its socket paths fit (see `serviceSocketDir`). */
  serviceSocketDir?: string | undefined;
}

/** File under keys/ holding the master secret of the service credentials. */
export const SERVICE_CREDENTIAL_MASTER_FILE = 'service-credential-master';

/**
 * The directory where instances serve HTTP on Unix sockets too (services/platform/local-socket),
 * created 0700 for this OS user; undefined (TCP only) when its socket paths would not fit in
 * sun_path, as under a very deep ALPHINTRA_HOME.
 */
export async function serviceSocketDir(dir: string): Promise<string | undefined> {
  if (!socketDirFits(dir)) return undefined;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Every database the platform needs: one per service using Postgres, plus the shared ones. */
export function platformDatabases(prefix: string): { database: string; role: string }[] {
  return [
    ...SERVICE_NAMES.filter((n) => catalog[n].postgres).map((n) => databaseFor(n, prefix)),
    sharedDatabase('discovery', prefix),
    sharedDatabase('bus', prefix),
  ];
}

/** Roles that get a password. */
export function serviceRoles(prefix: string): string[] {
  return platformDatabases(prefix).map((d) => d.role);
}

/** The same context for `up` and for `service start`, rebuilt from what state.json keeps. */
export function envContext(inputs: EnvInputs): EnvContext {
  return {
    profile: inputs.profile,
    logLevel: inputs.logLevel,
    host: LOCAL_HOST,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    portOf: (service: ServiceName) => instancePort(service, 0, inputs.portBase),
    urlOf: (service: ServiceName) =>
      `http://${LOCAL_HOST}:${instancePort(service, 0, inputs.portBase)}`,
    databaseUrlOf: (service: ServiceName) => {
      if (!catalog[service].postgres) return undefined;
      const { database, role } = databaseFor(service, inputs.dbPrefix);
      const password = inputs.passwords[role];
      return password === undefined
        ? undefined
        : serviceDatabaseUrl(inputs.serverUrl, role, password, database, inputs.socketDir);
    },
    redisUrl: inputs.redisUrl,
    sharedDatabaseUrl: (kind: SharedDatabase) => {
      const { database, role } = sharedDatabase(kind, inputs.dbPrefix);
      const password = inputs.passwords[role];
      return password === undefined
        ? undefined
        : serviceDatabaseUrl(inputs.serverUrl, role, password, database, inputs.socketDir);
    },
    keys: inputs.keys,
    serviceCredentialMaster: inputs.serviceCredentialMaster,
    parentEnv: inputs.parentEnv,
    socketDir: inputs.serviceSocketDir,
  };
}
