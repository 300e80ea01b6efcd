import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repository root (the folder of alphintra's package.json), found from this file whether
 * it runs from the TypeScript sources or from dist/, so non-code assets (SQL migrations) are
 * read from one place.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'alphintra') return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the alphintra package root');
    dir = parent;
  }
}

/** The folder holding a service's SQL migrations. */
export function migrationsDir(service: string): string {
  return join(packageRoot(), 'services', service, 'migrations');
}
