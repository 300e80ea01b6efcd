import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments, stringify } from 'yaml';
import { packageRoot } from '../../../services/platform/package-root.js';
import type { KubeObject, Located } from './kube.js';
import type { ManifestFile } from './render.js';

/** Where the rendered manifests are committed. */
export const manifestsDir = () => path.join(packageRoot(), 'manifests');

const HEADER =
  '# Rendered from services/catalog.ts by `alphintra manifests`: do not edit by hand\n' +
  '# (`alphintra validate` V013 fails when this file differs from what the catalog renders).\n';

/** A file's text: the header, then one YAML document per object. */
export function manifestText(file: ManifestFile): string {
  const docs = file.objects.map((o) =>
    stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }),
  );
  return HEADER + docs.map((d) => `---\n${d}`).join('');
}

/** Writes every file under `dir`; the paths written. */
export async function writeManifests(
  dir: string,
  files: readonly ManifestFile[],
): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(dir, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, manifestText(f));
    written.push(target);
  }
  return written;
}

/** What differs between the rendered files and those under `dir`. */
export interface ManifestDrift {
  /** Rendered but not on disk. */
  readonly missing: string[];
  /** On disk with other content. */
  readonly changed: string[];
  /** YAML files under the rendered folders that the renderer does not write. */
  readonly extra: string[];
}

export async function manifestDrift(
  dir: string,
  files: readonly ManifestFile[],
): Promise<ManifestDrift> {
  const drift: ManifestDrift = { missing: [], changed: [], extra: [] };
  for (const f of files) {
    const text = await readFile(path.join(dir, f.path), 'utf8').catch(() => undefined);
    if (text === undefined) drift.missing.push(f.path);
    else if (text !== manifestText(f)) drift.changed.push(f.path);
  }
  const rendered = new Set(files.map((f) => f.path));
  for (const folder of new Set(files.map((f) => path.dirname(f.path)))) {
    const names = await readdir(path.join(dir, folder)).catch(() => [] as string[]);
    for (const n of names) {
      const p = path.posix.join(folder, n);
      if (/\.ya?ml$/.test(n) && !rendered.has(p)) drift.extra.push(p);
    }
  }
  return drift;
}

/**
 * Every object in the YAML files under `dir` (recursively), with its file (relative to `dir`)
 * and line. A document that does not parse, or is not an object with a kind and a name, throws
 * with its file and line: the manifests are broken, which is a finding, not a skip.
 */
export async function loadManifests(dir: string): Promise<Located[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const files = entries.filter((e) => /\.ya?ml$/.test(e)).sort();
  const located: Located[] = [];
  for (const rel of files) {
    const text = await readFile(path.join(dir, rel), 'utf8');
    const counter = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter: counter })) {
      const line = counter.linePos(doc.range[0]).line;
      if (doc.errors.length > 0) {
        throw new Error(`${rel}:${line}: ${doc.errors[0]!.message}`);
      }
      const object = doc.toJS() as unknown;
      if (object === null || object === undefined) continue;
      const o = object as Partial<KubeObject>;
      if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
        throw new Error(`${rel}:${line}: not a Kubernetes object (no kind or metadata.name)`);
      }
      located.push({ object: o as KubeObject, file: rel.split(path.sep).join('/'), line });
    }
  }
  return located;
}
