import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Baseline, BaselineSample } from './baseline.js';

/** A baseline as stored; files saved before refusals were counted have no `refused`. */
type StoredBaseline = Omit<Baseline, 'samples'> & {
  readonly samples: readonly (Omit<BaselineSample, 'refused'> & { readonly refused?: number })[];
};

export function baselineFile(dir: string, scenario: string, mode: 'closed' | 'open'): string {
  // Open-model baselines are kept apart: the two modes measure different things.
  return path.join(dir, mode === 'closed' ? `${scenario}.json` : `${scenario}.open.json`);
}

export async function readBaseline(file: string): Promise<Baseline | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<StoredBaseline>;
    if (parsed.version !== 1 || !Array.isArray(parsed.samples)) return undefined;
    const stored = parsed as StoredBaseline;
    return { ...stored, samples: stored.samples.map((s) => ({ ...s, refused: s.refused ?? 0 })) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * JSON as Prettier prints it (arrays of numbers on one line), so that a saved baseline
 * passes `prettier --check` in CI without a formatting step.
 */
export function formatBaseline(baseline: Baseline): string {
  const json = JSON.stringify(baseline, null, 2).replace(
    /\[\n\s*([-\d.e+,\s]*?)\n\s*\]/g,
    (_m, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
  );
  return `${json}\n`;
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, formatBaseline(baseline));
}
