import { services, type ResourceSpec, type ServiceSpec } from '../../../../services/catalog.js';
import { cpuMillis, memoryBytes } from '../../manifests/quantity.js';
import { expectNoProblems, manifestCheck, type CheckEntry } from '../checks.js';
import {
  autoscalerProblems,
  availabilityProblems,
  containerResourceProblems,
  heapCapProblems,
  hostAccessProblems,
  probePresenceProblems,
  probeTimingProblems,
  secretLiteralProblems,
  securityContextProblems,
  serviceAccountProblems,
  shutdownProblems,
} from '../manifest-rules.js';

/*
 * Workload hygiene (V014-V024): the pod specs of the committed manifests, and what the
 * catalog itself decides (resources, replicas).
 */

/** V016 (catalog part): requests and limits present and parseable, limits ≥ requests. */
export function resourceProblems(
  list: readonly { name: string; resources: Partial<ResourceSpec> }[],
): string[] {
  const problems: string[] = [];
  for (const { name, resources: r } of list) {
    const cpu = [r.cpuRequest, r.cpuLimit].map((q) => (q === undefined ? undefined : cpuMillis(q)));
    const mem = [r.memoryRequest, r.memoryLimit].map((q) =>
      q === undefined ? undefined : memoryBytes(q),
    );
    const fields = ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'] as const;
    [...cpu, ...mem].forEach((v, i) => {
      const f = fields[i]!;
      if (r[f] === undefined) problems.push(`${name}: no ${f}`);
      else if (v === undefined || v <= 0)
        problems.push(`${name}: ${f} ${r[f]} is not a positive quantity`);
    });
    if (cpu[0] !== undefined && cpu[1] !== undefined && cpu[1] < cpu[0]) {
      problems.push(`${name}: cpuLimit ${r.cpuLimit} is below cpuRequest ${r.cpuRequest}`);
    }
    if (mem[0] !== undefined && mem[1] !== undefined && mem[1] < mem[0]) {
      problems.push(
        `${name}: memoryLimit ${r.memoryLimit} is below memoryRequest ${r.memoryRequest}`,
      );
    }
  }
  return problems;
}

/** V022 (catalog part): every critical service runs at least two replicas. */
export function replicaProblems(
  list: readonly Pick<ServiceSpec, 'name' | 'critical' | 'replicas'>[],
): string[] {
  return list
    .filter((s) => s.critical && s.replicas < 2)
    .map(
      (s) => `${s.name} is critical but runs ${s.replicas} replica${s.replicas === 1 ? '' : 's'}`,
    );
}

export const workload: CheckEntry[] = [
  manifestCheck(
    'V014',
    'readiness and liveness probes on every serving container, and they differ',
    probePresenceProblems,
  ),
  manifestCheck(
    'V015',
    'probe timing is sane (timeout < period, failureThreshold ≥ 3, startup budget)',
    probeTimingProblems,
  ),
  {
    id: 'V016',
    phase: 'S',
    title:
      'CPU and memory requests and limits on every container, limits ≥ requests, as the catalog says; Postgres and Redis at Guaranteed QoS',
    async run(ctx) {
      const containers = containerResourceProblems(await ctx.manifests());
      expectNoProblems([...resourceProblems(services), ...containers], 'resources');
      ctx.note(`${services.length} services in the catalog, and every container in manifests/`);
    },
  },
  manifestCheck('V017', 'Node heap cap below the container memory limit', heapCapProblems),
  manifestCheck(
    'V018',
    'restricted security context (non-root, no escalation, read-only root fs, drop ALL, seccomp)',
    securityContextProblems,
  ),
  manifestCheck(
    'V019',
    'no hostNetwork, hostPID, hostIPC, hostPath or hostPort',
    hostAccessProblems,
  ),
  manifestCheck(
    'V020',
    'a ServiceAccount per service, token automount off, no cluster-admin, no RBAC wildcards',
    serviceAccountProblems,
  ),
  manifestCheck(
    'V021',
    'no secret-looking literals in env, args or ConfigMaps; secrets from secretKeyRef or files',
    secretLiteralProblems,
  ),
  {
    id: 'V022',
    phase: 'S',
    title:
      'critical services run ≥ 2 replicas with a PDB that allows a disruption and rolling updates with maxUnavailable 0',
    async run(ctx) {
      const manifests = availabilityProblems(await ctx.manifests());
      expectNoProblems([...replicaProblems(services), ...manifests], 'availability');
      const critical = services.filter((s) => s.critical).map((s) => `${s.name}×${s.replicas}`);
      ctx.note(`critical: ${critical.join(', ')}`);
    },
  },
  manifestCheck(
    'V023',
    'every HPA targets a real workload, min ≥ 2, max > min, scaled containers request CPU',
    autoscalerProblems,
  ),
  manifestCheck(
    'V024',
    'graceful shutdown fits: grace period ≥ preStop + drain budget, preStop present',
    shutdownProblems,
  ),
];
