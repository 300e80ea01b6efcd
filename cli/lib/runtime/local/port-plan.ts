import { portOf, SERVICE_NAMES, type ServiceName } from '../../../../services/catalog.js';

/** One process of a service: where it listens and how it is known. */
export interface InstancePlan {
  service: ServiceName;
  index: number;
  /** INSTANCE_ID of the process, e.g. `trading-0`. */
  id: string;
  port: number;
}

/**
 * Extra instances sit 100 ports above the previous one: catalog offsets are below 100 and
 * the embedded PostgreSQL takes base + 99, so no two ports of one plan can collide.
 */
export const SCALE_PORT_STEP = 100;

export function instancePort(service: ServiceName, index: number, portBase: number): number {
  return portOf(service, portBase) + SCALE_PORT_STEP * index;
}

export function planInstances(
  portBase: number,
  scale: Partial<Record<ServiceName, number>>,
  names: readonly ServiceName[] = SERVICE_NAMES,
): InstancePlan[] {
  return names.flatMap((service) =>
    Array.from({ length: scale[service] ?? 1 }, (_, index) => ({
      service,
      index,
      id: `${service}-${index}`,
      port: instancePort(service, index, portBase),
    })),
  );
}
