import { SERVICE_NAMES, type ServiceName } from '../../services/catalog.js';
import type { InstanceState, RuntimeState } from '../../cli/lib/runtime/local/state.js';

/** One recorded instance (pid null: stopped). */
export const recordedInstance = (
  service: ServiceName,
  index: number,
  port: number,
  pid: number | null,
): InstanceState => ({
  service,
  index,
  id: `${service}-${index}`,
  port,
  pid,
  startedAt: null,
  log: `/tmp/${service}.log`,
  restarts: 0,
});

/** A state.json of a detached platform with these instances. */
export function runtimeState(instances: InstanceState[]): RuntimeState {
  return {
    version: 1,
    phase: 'running',
    mode: 'detached',
    cliPid: 1,
    startedAt: '2026-11-25T09:00:00.000Z',
    options: {
      portBase: 6000,
      dbPrefix: 'alphintra',
      profile: 'dev',
      logLevel: 'info',
      readyTimeoutMs: 30_000,
      scale: Object.fromEntries(
        SERVICE_NAMES.map((n) => [n, 1]),
      ) as RuntimeState['options']['scale'],
    },
    redisUrl: null,
    postgres: null,
    instances,
  };
}
