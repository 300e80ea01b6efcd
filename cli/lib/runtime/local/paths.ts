import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the local runtime keeps everything: state, logs, data, keys. */
export interface HomePaths {
  home: string;
  state: string;
  logs: string;
  data: string;
  pgData: string;
  /** PostgreSQL's own log; next to its data when that lives outside the home. */
  pgLog: string;
  keys: string;
  /** Unix sockets of the service instances (HTTP, next to their TCP ports). */
  sockets: string;
}

/** `ALPHINTRA_HOME`, default `<cwd>/.alphintra` (gitignored). */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): HomePaths {
  const home = path.resolve(cwd, env.ALPHINTRA_HOME ?? '.alphintra');
  const pgData = pgDataDir(home);
  const pgInside = pgData.startsWith(home + path.sep);
  return {
    home,
    state: path.join(home, 'state.json'),
    logs: path.join(home, 'logs'),
    data: path.join(home, 'data'),
    pgData,
    pgLog: pgInside
      ? path.join(home, 'logs', 'postgres.log')
      : path.join(path.dirname(pgData), 'postgres.log'),
    keys: path.join(home, 'keys'),
    sockets: path.join(home, 'run'),
  };
}

/** Where the embedded PostgreSQL keeps its data when the home is out of its reach (root only). */
export const UNREACHABLE_HOME_PG_ROOT = '/var/lib/alphintra';

/**
 * The embedded PostgreSQL data directory: `<home>/data/pg`, unless the CLI runs as root and
 * some folder above the home is not searchable by other users (a home under /root, or a
 * 0700 temp dir). PostgreSQL refuses to run as root and runs as its own OS user, which could
 * not reach the data there; then the data lives in /var/lib/alphintra/<hash of the home>/pg,
 * still one directory per home, so `down --purge` and a later `up` find it again.
 */
export function pgDataDir(home: string, isRoot = process.getuid?.() === 0): string {
  const inside = path.join(home, 'data', 'pg');
  if (!isRoot || searchableByOthers(home)) return inside;
  const id = createHash('sha256').update(home).digest('hex').slice(0, 16);
  return path.join(UNREACHABLE_HOME_PG_ROOT, id, 'pg');
}

function searchableByOthers(home: string): boolean {
  for (let dir = home; ; dir = path.dirname(dir)) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      // Not created yet: the runtime creates it searchable.
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/** Log file of one instance: `logs/<service>.log` for the first, `logs/<service>-<i>.log` after. */
export function logFileOf(paths: HomePaths, service: string, index: number): string {
  return path.join(paths.logs, index === 0 ? `${service}.log` : `${service}-${index}.log`);
}

/**
 * How to start a service process. From the build (`dist/cli/...` → `dist/services/<name>/main.js`)
 * or, when the CLI itself runs from TypeScript (bin/dev.js), from source through tsx.
 */
export interface ServiceEntry {
  /** Root the `services/` folder hangs off: `dist/` for the build, the repo for sources. */
  root: string;
  /** The package root (cwd of the service processes). */
  packageRoot: string;
  fromSource: boolean;
}

export function serviceEntry(moduleUrl: string = import.meta.url): ServiceEntry {
  const file = fileURLToPath(moduleUrl);
  const fromSource = file.endsWith('.ts');
  // This file is <root>/cli/lib/runtime/local/paths.{ts,js}.
  const root = path.resolve(path.dirname(file), '..', '..', '..', '..');
  let packageRoot = root;
  while (
    !existsSync(path.join(packageRoot, 'package.json')) &&
    path.dirname(packageRoot) !== packageRoot
  ) {
    packageRoot = path.dirname(packageRoot);
  }
  return { root, packageRoot, fromSource };
}

/**
 * Arguments for `node` that run one service: the single-file bundle when the build made one
 * (scripts/bundle-services.mjs; it starts in under half the time), else the tsc output.
 *
 * Without `--enable-source-maps`: the bundle is not minified, so a stack trace still names
 * the functions, at lines of the bundle. With it, the first stack trace a service formats
 * (an aborted upstream call is enough) parses the bundle's whole source map into the heap
 * for good: ~430,000 small arrays, +45 MiB per process, which made a full GC of the
 * gateway take ~180 ms on this VM (~80 ms without). `ALPHINTRA_SERVICE_NODE_OPTIONS=--enable-source-maps`
 * turns it back on when debugging.
 */
export function serviceCommand(entry: ServiceEntry, service: string): string[] {
  if (entry.fromSource) {
    return ['--import', 'tsx', path.join(entry.root, 'services', service, 'main.ts')];
  }
  const bundle = path.join(entry.root, 'bundles', `${service}.mjs`);
  return existsSync(bundle) ? [bundle] : [path.join(entry.root, 'services', service, 'main.js')];
}
