import type { ChalkInstance } from 'chalk';
import type { PlatformStatus } from './status.js';

/** The endpoints block printed once the platform is ready (and by `up` when already running). */
export function renderEndpoints(status: PlatformStatus, c: ChalkInstance): string {
  const width = Math.max(...status.services.map((s) => s.name.length), 7);
  const lines = status.services.map((s) => {
    const mark = s.ready ? c.green('ready') : c.red('not ready');
    return `  ${s.name.padEnd(width)}  ${s.urls.join(', ')}  ${mark}`;
  });
  const gateway = status.services.find((s) => s.name === 'gateway')?.urls[0];
  return [
    c.bold('Endpoints'),
    ...lines,
    ...(gateway ? ['', `API: ${gateway}/api/v1/...`] : []),
    ...(status.postgres ? [`PostgreSQL (${status.postgres.kind}): ${status.postgres.url}`] : []),
  ].join('\n');
}
