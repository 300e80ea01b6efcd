import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the local runtime keeps everything: state, logs, data, keys. */
export interface HomePaths {
  home: string;
  state: string;
  logs: string;
  data: string;
  pgData: string;
  keys: string;
}

/** `ALPHINTRA_HOME`, default `<cwd>/.alphintra` (gitignored). */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): HomePaths {
  const home = path.resolve(cwd, env.ALPHINTRA_HOME ?? '.alphintra');
  return {
    home,
    state: path.join(home, 'state.json'),
    logs: path.join(home, 'logs'),
    data: path.join(home, 'data'),
    pgData: path.join(home, 'data', 'pg'),
    keys: path.join(home, 'keys'),
  };
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
 */
export function serviceCommand(entry: ServiceEntry, service: string): string[] {
  if (entry.fromSource) {
    return ['--import', 'tsx', path.join(entry.root, 'services', service, 'main.ts')];
  }
  const bundle = path.join(entry.root, 'bundles', `${service}.mjs`);
  return existsSync(bundle)
    ? ['--enable-source-maps', bundle]
    : [path.join(entry.root, 'services', service, 'main.js')];
}
