import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { formatBaseline, readBaseline } from './baseline-store.js';

const committed = fileURLToPath(new URL('../baselines/', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmpFile = (text: string): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'alp-baseline-'));
  dirs.push(d);
  const file = path.join(d, 'order.json');
  writeFileSync(file, text);
  return file;
};

describe('formatBaseline', () => {
  test('arrays of numbers on one line, objects expanded, trailing newline (as Prettier prints)', () => {
    const text = formatBaseline({
      version: 1,
      scenario: 'read',
      load: { mode: 'closed', connections: 100, users: 1, rate: null, durationS: 10 },
      createdAt: '2026-11-25T09:00:00.000Z',
      command: 'alphintra bench read --save-baseline',
      machine: { cpus: 2, node: 'v20.20.2', loadAverage: [2.56, 5.17, 6.51] },
      samples: [{ rps: 924.402, p50: 101, p99: 208, errorRate: 0, refused: 0 }],
    });
    expect(text).toContain('"loadAverage": [2.56, 5.17, 6.51]\n');
    expect(text).toContain('  "samples": [\n    {\n      "rps": 924.402,\n');
    expect(text).toContain('      "refused": 0\n');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ machine: { loadAverage: [2.56, 5.17, 6.51] } });
  });
});

describe('readBaseline', () => {
  test('a file saved before refusals were counted loads, with refused 0 in every sample', async () => {
    const file = tmpFile(
      JSON.stringify({
        version: 1,
        scenario: 'order',
        load: { mode: 'closed', connections: 50, users: 10, rate: null, durationS: 20 },
        createdAt: '2026-11-25T16:39:32.841Z',
        command: 'alphintra bench order --repeat 3 --save-baseline',
        machine: { cpus: 2, node: 'v20.20.2', loadAverage: [6.62, 4.61, 3.51] },
        samples: [
          { rps: 251.473, p50: 192, p99: 287, errorRate: 0 },
          { rps: 259.511, p50: 186, p99: 278, errorRate: 0 },
        ],
      }),
    );
    expect((await readBaseline(file))?.samples).toEqual([
      { rps: 251.473, p50: 192, p99: 287, errorRate: 0, refused: 0 },
      { rps: 259.511, p50: 186, p99: 278, errorRate: 0, refused: 0 },
    ]);
  });

  test('a recorded refused count is kept', async () => {
    const file = tmpFile(
      JSON.stringify({
        version: 1,
        samples: [{ rps: 300, p50: 150, p99: 250, errorRate: 0.02, refused: 120 }],
      }),
    );
    expect((await readBaseline(file))?.samples).toEqual([
      { rps: 300, p50: 150, p99: 250, errorRate: 0.02, refused: 120 },
    ]);
  });

  test.each([
    ['another version', '{"version":2,"samples":[]}'],
    ['no samples', '{"version":1}'],
    ['not JSON', 'baseline'],
  ])('%s: no baseline', async (_name, text) => {
    expect(await readBaseline(tmpFile(text))).toBeUndefined();
  });

  test.each(readdirSync(committed).filter((f) => f.endsWith('.json')))(
    'the committed baselines/%s still loads, refused read as 0 where absent',
    async (name) => {
      const raw = JSON.parse(readFileSync(path.join(committed, name), 'utf8')) as {
        scenario: string;
        samples: { refused?: number }[];
      };
      const b = await readBaseline(path.join(committed, name));
      expect(b?.scenario).toBe(name.replace(/(\.open)?\.json$/, ''));
      expect(b?.samples.map((s) => s.refused)).toEqual(raw.samples.map((s) => s.refused ?? 0));
      expect(b?.samples.length).toBeGreaterThan(0);
    },
  );
});
