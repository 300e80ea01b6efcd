import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../../../../services/platform/package-root.js';
import { expectNoProblems, type CheckEntry } from '../checks.js';
import { dashboardProblems, prometheusProblems, seriesOf } from '../manifest-rules.js';
import { REQUIRED_FAMILIES } from './live.js';

/*
 * Observability (V030-V031): the ServiceMonitor, alert rules and dashboards under
 * manifests/monitoring, read against the metric families the services' code registers.
 */

const REGISTRATION = [
  /\.(counter|gauge|histogram)\(\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g,
  /new (Counter|Gauge|Histogram)\(\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g,
];

/** Metric families registered in a source file, with their type. */
export function registeredFamilies(source: string): [string, string][] {
  return REGISTRATION.flatMap((r) =>
    [...source.matchAll(r)].map((m): [string, string] => [m[2]!, m[1]!.toLowerCase()]),
  );
}

/**
 * Every family the services export: what their code registers (services/**, tests left out),
 * and prom-client's default process and Node.js families the platform kit collects.
 */
export function exportedFamilies(): Promise<ReadonlyMap<string, string>> {
  // The sources do not change while the CLI runs: V030 and V031 share one scan.
  return (families ??= scanFamilies());
}
let families: Promise<ReadonlyMap<string, string>> | undefined;

async function scanFamilies(): Promise<ReadonlyMap<string, string>> {
  const root = path.join(packageRoot(), 'services');
  const files = (await readdir(root, { recursive: true })).filter(
    (f) => f.endsWith('.ts') && !/\.test\.ts$/.test(f),
  );
  const families = new Map<string, string>(REQUIRED_FAMILIES);
  for (const f of files) {
    for (const [name, type] of registeredFamilies(await readFile(path.join(root, f), 'utf8')))
      families.set(name, type);
  }
  return families;
}

export const observability: CheckEntry[] = [
  {
    id: 'V030',
    phase: 'S',
    title:
      'Prometheus scrapes every service; ≥ 15 alert rules, loaded by the operator, read only exported metrics',
    async run(ctx) {
      const families = await exportedFamilies();
      const objects = await ctx.manifests();
      expectNoProblems(prometheusProblems(objects, seriesOf(families)), 'prometheus');
      ctx.note(`${families.size} metric families registered in services/ (plus Prometheus's up)`);
    },
  },
  {
    id: 'V031',
    phase: 'S',
    title:
      'Grafana dashboards per service and for the SLOs; every panel queries an exported metric',
    async run(ctx) {
      const families = await exportedFamilies();
      const objects = await ctx.manifests();
      expectNoProblems(dashboardProblems(objects, seriesOf(families)), 'dashboards');
      ctx.note(`checked against ${families.size} metric families registered in services/`);
    },
  },
];
