import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../../services/platform/package-root.js';

/** alphintra's version (package.json): the platform image's default tag. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
