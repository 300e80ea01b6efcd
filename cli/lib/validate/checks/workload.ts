import { services, type ResourceSpec, type ServiceSpec } from '../../../../services/catalog.js';
import { expectNoProblems, type CheckEntry } from '../checks.js';
import { NO_MANIFESTS } from './contract.js';

/*
 * Workload hygiene (V014-V024). What a pod spec says cannot be checked before manifests are
 * rendered; what the catalog already decides (resources, replicas) is checked for real.
 */

/** CPU in millicores: `250m`, `1`, `0.5`; undefined when not a Kubernetes CPU quantity. */
export function cpuMillis(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) return undefined;
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** Memory in bytes: `128Mi`, `1Gi`, `500M`; undefined when not a memory quantity. */
export function memoryBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? '']!;
}

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
  {
    id: 'V014',
    phase: 'S',
    title: 'readiness and liveness probes on every serving container, and they differ',
    missing: `${NO_MANIFESTS}: no containers with probes`,
  },
  {
    id: 'V015',
    phase: 'S',
    title: 'probe timing is sane (timeout < period, failureThreshold ≥ 3, startup budget)',
    missing: `${NO_MANIFESTS}: no probe timings`,
  },
  {
    id: 'V016',
    phase: 'S',
    title:
      'CPU and memory requests and limits for every service, limits ≥ requests (catalog resources; QoS of Postgres and Redis pods not covered)',
    async run(ctx) {
      expectNoProblems(resourceProblems(services), 'catalog resources');
      ctx.note(
        `${services.length} services checked in the catalog; ${NO_MANIFESTS}, so container specs and Postgres/Redis QoS are not covered`,
      );
    },
  },
  {
    id: 'V017',
    phase: 'S',
    title: 'Node heap cap below the container memory limit',
    missing: `${NO_MANIFESTS}: no container sets --max-old-space-size to compare with its limit`,
  },
  {
    id: 'V018',
    phase: 'S',
    title:
      'restricted security context (non-root, no escalation, read-only root fs, drop ALL, seccomp)',
    missing: `${NO_MANIFESTS}: no security contexts`,
  },
  {
    id: 'V019',
    phase: 'S',
    title: 'no hostNetwork, hostPID, hostIPC, hostPath or hostPort',
    missing: `${NO_MANIFESTS}: no pod specs`,
  },
  {
    id: 'V020',
    phase: 'S',
    title: 'a ServiceAccount per service, token automount off, no cluster-admin, no RBAC wildcards',
    missing: `${NO_MANIFESTS}: no ServiceAccounts or RBAC objects`,
  },
  {
    id: 'V021',
    phase: 'S',
    title:
      'no secret-looking literals in env, args or ConfigMaps; secrets from secretKeyRef or files',
    missing: `${NO_MANIFESTS}: no env, args or ConfigMaps in manifests`,
  },
  {
    id: 'V022',
    phase: 'S',
    title:
      'critical services run ≥ 2 replicas (catalog replicas; PDB and rolling update not covered)',
    async run(ctx) {
      expectNoProblems(replicaProblems(services), 'replicas');
      const critical = services.filter((s) => s.critical).map((s) => `${s.name}×${s.replicas}`);
      ctx.note(
        `critical: ${critical.join(', ')}; ${NO_MANIFESTS}, so PDBs and maxUnavailable are not covered`,
      );
    },
  },
  {
    id: 'V023',
    phase: 'S',
    title:
      'every HPA targets a real workload, min ≥ 2, max > min, scaled containers have CPU requests',
    missing: `${NO_MANIFESTS}, and the catalog declares no autoscaling: no HPAs`,
  },
  {
    id: 'V024',
    phase: 'S',
    title: 'graceful shutdown fits: grace period ≥ preStop + drain budget, preStop present',
    missing: `${NO_MANIFESTS}: no terminationGracePeriodSeconds or preStop hooks`,
  },
];
