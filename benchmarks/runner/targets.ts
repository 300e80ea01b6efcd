import { SERVICE_NAMES, type ServiceName } from '../../services/catalog.js';
import { UserError } from '../../cli/lib/errors.js';
import { isAlive } from '../../cli/lib/runtime/local/liveness.js';
import type { HomePaths } from '../../cli/lib/runtime/local/paths.js';
import {
  classifyState,
  readState,
  serviceUrl,
  type RuntimeState,
} from '../../cli/lib/runtime/local/state.js';

/** Base URL of the first live instance of each running service. */
export type TargetUrls = Partial<Record<ServiceName, string>>;

const START_HINT = 'RATE_LIMIT_MAX=100000000 RISK_DEFAULT_ORDER_RATE=1000000 alphintra up --detach';

/** Pure: the URLs of the live instances recorded in a state file. */
export function targetUrlsOf(
  state: RuntimeState,
  alive: (pid: number | null) => boolean,
): TargetUrls {
  const urls: TargetUrls = {};
  for (const service of SERVICE_NAMES) {
    const url = serviceUrl(state, service, alive);
    if (url) urls[service] = url;
  }
  return urls;
}

/**
 * Reads ALPHINTRA_HOME/state.json once: the running platform and the URL of each service. A
 * platform that is not running is a precondition (exit 3).
 */
export async function runningPlatform(
  paths: HomePaths,
): Promise<{ state: RuntimeState; targets: TargetUrls }> {
  const state = await readState(paths.state);
  if (state === undefined || state === 'corrupt' || classifyState(state, isAlive) === 'stale') {
    throw new UserError('ALP_BENCH_PLATFORM_NOT_RUNNING', `no running platform in ${paths.home}`, {
      suggestions: [
        `start it with the bench settings: ${START_HINT}`,
        'or point ALPHINTRA_HOME at the home of a running platform',
      ],
    });
  }
  return { state, targets: targetUrlsOf(state, isAlive) };
}

export function urlOf(targets: TargetUrls, service: ServiceName): string {
  const url = targets[service];
  if (url === undefined) {
    throw new UserError('ALP_BENCH_TARGET_NOT_RUNNING', `${service} has no running instance`, {
      suggestions: [`start it: alphintra service start ${service}`, 'check: alphintra status'],
    });
  }
  return url;
}

export { START_HINT };
