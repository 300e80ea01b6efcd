import { databaseOf, type ServiceName } from '../../../../../services/catalog.js';
import { DEFAULT_DB_PREFIX } from '../options.js';

/**
 * The database and role of a service under a prefix. The default prefix gives the
 * catalog's names (`alphintra_trading` owned by `trading`); any other prefix names both
 * `<prefix>_<svc>`, so two platforms can share one server without sharing a role.
 */
export function databaseFor(name: ServiceName, prefix: string): { database: string; role: string } {
  if (prefix === DEFAULT_DB_PREFIX) return databaseOf(name);
  const id = `${prefix}_${name.replace(/-/g, '_')}`;
  return { database: id, role: id };
}

/** Databases every instance shares (not owned by one service). */
export type SharedDatabase = 'discovery' | 'bus';

/**
 * A shared database: the discovery registry (`alphintra_discovery` owned by role `discovery`,
 * see services/platform/discovery/schema.ts) or the event bus (`alphintra_bus`, role `bus`);
 * `<prefix>_discovery` / `<prefix>_bus` for both with another prefix.
 */
export function sharedDatabase(
  kind: SharedDatabase,
  prefix: string,
): { database: string; role: string } {
  if (prefix === DEFAULT_DB_PREFIX) return { database: `alphintra_${kind}`, role: kind };
  const id = `${prefix}_${kind}`;
  return { database: id, role: id };
}

/** A service's own connection URL: the server URL with its role, password and database. */
export function serviceDatabaseUrl(
  serverUrl: string,
  role: string,
  password: string,
  database: string,
  socketDir?: string,
): string {
  const url = new URL(serverUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(database)}`;
  // node-postgres (pg-connection-string) and libpq both let a `host` parameter naming a
  // directory override the URL's host: the connection goes to <dir>/.s.PGSQL.<port>.
  if (socketDir !== undefined) url.searchParams.set('host', socketDir);
  return url.toString();
}

/** The server URL without credentials or database, safe to record in state.json. */
export function serverUrlOf(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.pathname = '/';
  return u.toString();
}
