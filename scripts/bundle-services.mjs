// Bundles each built service into one ESM file (dist/bundles/<name>.mjs).
//
// Why: on Node 20 a service that loads a few hundred small ES modules spends most of its
// start-up resolving and compiling them (1.5-1.8 s of CPU per service measured here, and
// `alphintra up` starts ten). One file per service starts in well under half that time.
// Dependencies stay byte-for-byte what the lockfile installed; only the module graph is
// flattened. The tsc output in dist/services stays the source of truth for tests and tools.
import { readdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const services = readdirSync(join(root, 'dist', 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'dist', 'services', d.name, 'main.js')))
  .map((d) => d.name);

await build({
  entryPoints: Object.fromEntries(
    services.map((name) => [name, join(root, 'dist', 'services', name, 'main.js')]),
  ),
  outdir: join(root, 'dist', 'bundles'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Native addons stay where npm put them: the package picks its prebuilt binary for the
  // platform at run time (an optional dependency per platform), which a bundle cannot hold.
  // graphql refuses schemas and errors from "another realm": Mercurius require()s it and the
  // graphql-gateway loads the same CJS build with createRequire (graph/graphql-runtime.ts),
  // which a bundle would turn into two copies. Left external, both get node_modules' one.
  external: ['@node-rs/argon2', 'graphql'],
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __alphintraCreateRequire } from 'node:module'; const require = __alphintraCreateRequire(import.meta.url);",
  },
});

// ASCII only, so V8 keeps each service's source (held for lazy compilation as long as the
// process lives) as one byte per character instead of two: ~4 MB less per service, and a
// faster start. esbuild already escapes every non-ASCII character it can (strings, regular
// expressions, identifiers, templates: `charset: 'ascii'`, its default); what it leaves are
// comments copied from dependencies (curly quotes in undici's, a name in a licence line).
// Each such UTF-16 unit becomes one '?', so the source map's columns still hold.
for (const name of services) {
  const file = join(root, 'dist', 'bundles', `${name}.mjs`);
  const text = readFileSync(file, 'utf8');
  // eslint-disable-next-line no-control-regex
  const ascii = text.replace(/[^\x00-\x7f]/g, '?');
  if (ascii !== text) writeFileSync(file, ascii);
}
console.log(`bundled ${services.length} services into dist/bundles/`);
