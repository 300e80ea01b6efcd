import {
  callersOf,
  catalog,
  getService,
  services,
  upstreamsOf,
  type ServiceSpec,
} from '../../../services/catalog.js';
import {
  describe,
  isWorkload,
  selects,
  type Container,
  type KubeObject,
  type Located,
  type PodSpec,
  type Probe,
  type Workload,
} from '../manifests/kube.js';
import { GRAFANA_DASHBOARD_LABEL, PROMETHEUS_SELECTOR } from '../manifests/monitoring.js';
import { LABEL_NAME } from '../manifests/names.js';
import { RESILIENT_UPSTREAMS } from '../manifests/mesh.js';
import { ISTIOD_PORT, POSTGRES_PORT, REDIS_PORT, REGISTRY } from '../manifests/render.js';
import { cpuMillis, memoryBytes } from '../manifests/quantity.js';

/*
 * The static checks over Kubernetes manifests (V004-V027), each a pure function from the
 * parsed objects (with their file and line) to the problems it found. They read what is
 * committed, which a person may have edited: nothing assumes the renderer's shapes, and a
 * test feeds each one a broken copy of the rendered set to see it fail.
 */

/** A pod template and where it is. */
export interface Pod {
  readonly workload: Located<Workload>;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: PodSpec;
  /** The catalog service the workload runs, when it is one. */
  readonly service: ServiceSpec | undefined;
}

export function podsOf(objects: readonly Located[]): Pod[] {
  return objects
    .filter((l): l is Located<Workload> => isWorkload(l.object))
    .map((w) => ({
      workload: w,
      namespace: w.object.metadata.namespace ?? 'default',
      labels: w.object.spec.template.metadata.labels,
      spec: w.object.spec.template.spec,
      service: getService(w.object.metadata.name),
    }));
}

const containersOf = (p: Pod): readonly Container[] => [
  ...p.spec.containers,
  ...(p.spec.initContainers ?? []),
];
const find = (objects: readonly Located[], kind: string, name: string, namespace: string) =>
  objects.find(
    (l) =>
      l.object.kind === kind &&
      l.object.metadata.name === name &&
      (l.object.metadata.namespace ?? 'default') === namespace,
  );
const spec = <T>(o: KubeObject) => (o as unknown as { spec: T }).spec;
const probesOf = (c: Container) =>
  (['readinessProbe', 'livenessProbe', 'startupProbe'] as const)
    .map((k) => [k, c[k]] as const)
    .filter((e): e is readonly [(typeof e)[0], Probe] => e[1] !== undefined);

// ---------------------------------------------------------------- V004

/** V004: the listen port (PORT), containerPort, the probes' port and the Service's targetPort agree. */
export function portTriangleProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    const c = p.spec.containers[0];
    const where = describe(p.workload);
    const port = c?.ports?.[0];
    if (!c || !port) {
      problems.push(`${where}: no containerPort`);
      continue;
    }
    const resolve = (v: number | string) =>
      typeof v === 'number' ? v : c.ports?.find((x) => x.name === v)?.containerPort;
    if (p.service && port.containerPort !== p.service.port) {
      problems.push(
        `${where}: containerPort ${port.containerPort}, the catalog says ${p.service.port}`,
      );
    }
    if (p.service) {
      const listen = listenPort(objects, p, c);
      if (listen !== port.containerPort)
        problems.push(
          `${where}: the service listens on PORT=${listen}, containerPort is ${port.containerPort}`,
        );
    }
    for (const [kind, probe] of probesOf(c)) {
      if (probe.httpGet && resolve(probe.httpGet.port) !== port.containerPort)
        problems.push(
          `${where}: ${kind} port ${probe.httpGet.port} is not containerPort ${port.containerPort}`,
        );
    }
    const svc = objects.find(
      (l) =>
        l.object.kind === 'Service' &&
        (l.object.metadata.namespace ?? 'default') === p.namespace &&
        selects(spec<{ selector?: Record<string, string> }>(l.object).selector, p.labels) &&
        spec<{ selector?: Record<string, string> }>(l.object).selector !== undefined,
    );
    if (!svc) {
      problems.push(`${where}: no Service selects its pods`);
      continue;
    }
    for (const sp of spec<{ ports?: { port: number; targetPort?: number | string }[] }>(svc.object)
      .ports ?? []) {
      const target = resolve(sp.targetPort ?? sp.port);
      if (target !== port.containerPort)
        problems.push(
          `${describe(svc)}: targetPort ${String(sp.targetPort)} is not containerPort ${port.containerPort}`,
        );
    }
  }
  return problems;
}

/** PORT as the container gets it: a literal, or its ConfigMap's value. */
function listenPort(objects: readonly Located[], p: Pod, c: Container): number | undefined {
  const literal = c.env?.find((e) => e.name === 'PORT')?.value;
  if (literal !== undefined) return Number(literal);
  for (const from of c.envFrom ?? []) {
    const cm = from.configMapRef && find(objects, 'ConfigMap', from.configMapRef.name, p.namespace);
    const v = (cm?.object as { data?: Record<string, string> } | undefined)?.data?.PORT;
    if (v !== undefined) return Number(v);
  }
  return undefined;
}

// ---------------------------------------------------------------- V008

/** V008: every ServiceAccount, ConfigMap, Secret and claim a pod references exists. */
export function referenceProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    const where = describe(p.workload);
    const need = (kind: string, name: string, what: string) => {
      if (!find(objects, kind, name, p.namespace))
        problems.push(`${where}: ${what} ${kind}/${name} does not exist`);
    };
    if (p.spec.serviceAccountName) need('ServiceAccount', p.spec.serviceAccountName, 'its');
    for (const c of containersOf(p)) {
      for (const f of c.envFrom ?? []) {
        if (f.configMapRef) need('ConfigMap', f.configMapRef.name, 'envFrom');
        if (f.secretRef) need('Secret', f.secretRef.name, 'envFrom');
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        const m = e.valueFrom?.configMapKeyRef;
        if (s) need('Secret', s.name, `${e.name} from`);
        if (m) {
          const cm = find(objects, 'ConfigMap', m.name, p.namespace);
          if (!cm) need('ConfigMap', m.name, `${e.name} from`);
          else if ((cm.object as { data?: Record<string, string> }).data?.[m.key] === undefined)
            problems.push(`${where}: ${e.name} reads key ${m.key} that ConfigMap/${m.name} lacks`);
        }
      }
      const volumes = new Set((p.spec.volumes ?? []).map((v) => v.name));
      const claims = new Set(
        (p.workload.object.spec.volumeClaimTemplates ?? []).map((t) => t.metadata.name),
      );
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name) && !claims.has(m.name))
          problems.push(
            `${where}: container ${c.name} mounts ${m.name}, which is no volume of the pod`,
          );
      }
    }
    for (const v of p.spec.volumes ?? []) {
      if (v.secret) need('Secret', v.secret.secretName, `volume ${v.name}:`);
      if (v.configMap) need('ConfigMap', v.configMap.name, `volume ${v.name}:`);
      if (v.persistentVolumeClaim)
        need('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, `volume ${v.name}:`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- V009

/** V009: Services, NetworkPolicies, PDBs and HPAs select or target real workloads. */
export function selectorProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  const pods = podsOf(objects);
  const anyPod = (ns: string, sel: Record<string, string> | undefined) =>
    pods.some((p) => p.namespace === ns && selects(sel, p.labels));
  for (const p of pods) {
    if (!selects(p.workload.object.spec.selector.matchLabels, p.labels))
      problems.push(`${describe(p.workload)}: its selector does not match its own pod labels`);
  }
  for (const l of objects) {
    const ns = l.object.metadata.namespace ?? 'default';
    const s = spec<Record<string, unknown>>(l.object) ?? {};
    let selector: Record<string, string> | undefined;
    if (l.object.kind === 'Service') selector = s.selector as Record<string, string> | undefined;
    else if (l.object.kind === 'NetworkPolicy' || l.object.kind === 'PodDisruptionBudget') {
      const key = l.object.kind === 'NetworkPolicy' ? 'podSelector' : 'selector';
      selector = (s[key] as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
      if (selector === undefined || Object.keys(selector).length === 0) continue; // every pod
    } else if (l.object.kind === 'HorizontalPodAutoscaler') {
      const ref = s.scaleTargetRef as { kind: string; name: string };
      if (!find(objects, ref.kind, ref.name, ns))
        problems.push(`${describe(l)}: targets ${ref.kind}/${ref.name}, which does not exist`);
      continue;
    } else continue;
    if (selector === undefined) problems.push(`${describe(l)}: no selector`);
    else if (!anyPod(ns, selector))
      problems.push(`${describe(l)}: selects no pod (${JSON.stringify(selector)})`);
  }
  return problems;
}

// ---------------------------------------------------------------- V010

/** Kinds that live outside namespaces (or are not API objects, like a Kustomization). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'Kustomization',
]);

/** V010: every namespaced object names a namespace the manifests declare, never `default`. */
export function namespaceProblems(objects: readonly Located[]): string[] {
  const declared = new Set(
    objects.filter((l) => l.object.kind === 'Namespace').map((l) => l.object.metadata.name),
  );
  const problems: string[] = [];
  for (const l of objects) {
    if (CLUSTER_SCOPED.has(l.object.kind)) continue;
    const ns = l.object.metadata.namespace;
    if (ns === undefined || ns === 'default')
      problems.push(`${describe(l)}: in the default namespace`);
    else if (!declared.has(ns)) problems.push(`${describe(l)}: namespace ${ns} is not declared`);
  }
  return problems;
}

// ---------------------------------------------------------------- V012

/** V012: images pinned by tag (never latest) or digest, all from the one allowed registry. */
export function imageProblems(objects: readonly Located[], registry = REGISTRY): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    for (const c of containersOf(p)) {
      const m = /^([^@:]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(c.image);
      const where = `${describe(p.workload)}: image ${c.image}`;
      if (!m) problems.push(`${where} is not an image reference`);
      else {
        if (!m[1]!.startsWith(`${registry}/`)) problems.push(`${where} is not from ${registry}`);
        if (!m[3] && (!m[2] || m[2] === 'latest'))
          problems.push(`${where} is not pinned (tag or digest)`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- V014, V015

/** V014: readiness and liveness on every serving container, and they are not the same probe. */
export function probePresenceProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    for (const c of p.spec.containers) {
      if (!c.ports?.length) continue;
      const where = `${describe(p.workload)} container ${c.name}`;
      if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
      if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
      if (
        c.readinessProbe &&
        c.livenessProbe &&
        JSON.stringify(probeTarget(c.readinessProbe)) ===
          JSON.stringify(probeTarget(c.livenessProbe))
      )
        problems.push(
          `${where}: readiness and liveness ask the same thing (a dependency outage would restart it)`,
        );
    }
  }
  return problems;
}
const probeTarget = (p: Probe) => p.httpGet ?? p.exec;

/** V015: timeout < period, failureThreshold ≥ 3, and a slow start covered by a startup probe. */
export function probeTimingProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    for (const c of p.spec.containers) {
      const where = `${describe(p.workload)} container ${c.name}`;
      for (const [kind, probe] of probesOf(c)) {
        const period = probe.periodSeconds ?? 10;
        const timeout = probe.timeoutSeconds ?? 1;
        if (timeout >= period)
          problems.push(`${where}: ${kind} timeout ${timeout}s ≥ period ${period}s`);
        if ((probe.failureThreshold ?? 3) < 3)
          problems.push(`${where}: ${kind} failureThreshold ${probe.failureThreshold} < 3`);
      }
      if (c.livenessProbe) {
        const budget = c.startupProbe
          ? (c.startupProbe.periodSeconds ?? 10) * (c.startupProbe.failureThreshold ?? 3)
          : (c.livenessProbe.initialDelaySeconds ?? 0);
        if (budget < 30)
          problems.push(`${where}: ${budget}s to start before liveness may kill it (< 30 s)`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- V016, V017

/**
 * V016 (containers): requests and limits on every container, limits ≥ requests, a catalog
 * service's as the catalog says, and PostgreSQL and Redis at Guaranteed QoS.
 */
export function containerResourceProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    for (const c of containersOf(p)) {
      const where = `${describe(p.workload)} container ${c.name}`;
      const r = c.resources ?? {};
      const req = r.requests ?? {};
      const lim = r.limits ?? {};
      for (const [k, v] of [
        ['cpu request', req.cpu],
        ['cpu limit', lim.cpu],
        ['memory request', req.memory],
        ['memory limit', lim.memory],
      ] as const) {
        if (v === undefined) problems.push(`${where}: no ${k}`);
      }
      const cpu = [req.cpu, lim.cpu].map((q) => (q === undefined ? undefined : cpuMillis(q)));
      const mem = [req.memory, lim.memory].map((q) =>
        q === undefined ? undefined : memoryBytes(q),
      );
      if (cpu[0] !== undefined && cpu[1] !== undefined && cpu[1] < cpu[0])
        problems.push(`${where}: cpu limit below its request`);
      if (mem[0] !== undefined && mem[1] !== undefined && mem[1] < mem[0])
        problems.push(`${where}: memory limit below its request`);
      const s = p.service?.resources;
      if (
        s &&
        (req.cpu !== s.cpuRequest ||
          lim.cpu !== s.cpuLimit ||
          req.memory !== s.memoryRequest ||
          lim.memory !== s.memoryLimit)
      )
        problems.push(`${where}: resources differ from the catalog's (${JSON.stringify(s)})`);
      const data = p.labels[LABEL_NAME] === 'postgres' || p.labels[LABEL_NAME] === 'redis';
      if (data && (cpu[0] !== cpu[1] || mem[0] !== mem[1]))
        problems.push(`${where}: not Guaranteed QoS (requests must equal limits)`);
    }
  }
  return problems;
}

/** V017: every Node container caps its heap (--max-old-space-size) below its memory limit. */
export function heapCapProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    if (!p.service) continue;
    for (const c of p.spec.containers) {
      const where = `${describe(p.workload)} container ${c.name}`;
      const opts = c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
      const cap = /--max-old-space-size=(\d+)/.exec(opts);
      const limit = c.resources?.limits?.memory;
      const bytes = limit === undefined ? undefined : memoryBytes(limit);
      if (!cap) problems.push(`${where}: no --max-old-space-size in NODE_OPTIONS`);
      else if (bytes === undefined)
        problems.push(`${where}: no memory limit to cap the heap below`);
      else if (Number(cap[1]) * 2 ** 20 >= bytes)
        problems.push(`${where}: heap cap ${cap[1]} MiB is not below the ${limit} limit`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- V018-V021

/** V018: non-root non-zero UID, no escalation, read-only root fs, drop ALL, seccomp RuntimeDefault. */
export function securityContextProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    const pod = (p.spec.securityContext ?? {}) as Record<string, unknown>;
    for (const c of containersOf(p)) {
      const sc = (c.securityContext ?? {}) as Record<string, unknown>;
      const get = (k: string) => sc[k] ?? pod[k];
      const where = `${describe(p.workload)} container ${c.name}`;
      if (get('runAsNonRoot') !== true) problems.push(`${where}: runAsNonRoot is not true`);
      const uid = get('runAsUser');
      if (typeof uid !== 'number' || uid === 0) problems.push(`${where}: no non-zero runAsUser`);
      if (sc.allowPrivilegeEscalation !== false)
        problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) problems.push(`${where}: privileged`);
      if (sc.readOnlyRootFilesystem !== true)
        problems.push(`${where}: the root filesystem is writable`);
      const drop = (sc.capabilities as { drop?: string[] } | undefined)?.drop ?? [];
      if (!drop.includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
      const seccomp = (get('seccompProfile') as { type?: string } | undefined)?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
        problems.push(`${where}: no seccomp profile (RuntimeDefault)`);
    }
  }
  return problems;
}

/** V019: no host namespaces, host paths or host ports. */
export function hostAccessProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    const where = describe(p.workload);
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (p.spec[k] === true) problems.push(`${where}: ${k}`);
    }
    for (const v of p.spec.volumes ?? [])
      if (v.hostPath) problems.push(`${where}: hostPath volume ${v.name}`);
    for (const c of containersOf(p))
      for (const port of c.ports ?? [])
        if (port.hostPort !== undefined) problems.push(`${where}: hostPort ${port.hostPort}`);
  }
  return problems;
}

/** V020: a ServiceAccount of its own per workload, token automount off, no cluster-admin, no RBAC wildcards. */
export function serviceAccountProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const p of podsOf(objects)) {
    const where = describe(p.workload);
    const sa = p.spec.serviceAccountName;
    if (!sa || sa === 'default') {
      problems.push(`${where}: runs as the default ServiceAccount`);
      continue;
    }
    const key = `${p.namespace}/${sa}`;
    const other = owners.get(key);
    if (other) problems.push(`${where}: shares ServiceAccount ${sa} with ${other}`);
    owners.set(key, p.workload.object.metadata.name);
    const account = find(objects, 'ServiceAccount', sa, p.namespace)?.object as
      { automountServiceAccountToken?: boolean } | undefined;
    const automount = p.spec.automountServiceAccountToken ?? account?.automountServiceAccountToken;
    if (automount !== false)
      problems.push(`${where}: mounts a ServiceAccount token it does not need`);
  }
  for (const l of objects) {
    const o = l.object as {
      roleRef?: { name: string };
      rules?: { verbs?: string[]; resources?: string[]; apiGroups?: string[] }[];
    };
    if (
      (l.object.kind === 'ClusterRoleBinding' || l.object.kind === 'RoleBinding') &&
      o.roleRef?.name === 'cluster-admin'
    )
      problems.push(`${describe(l)}: binds cluster-admin`);
    if (l.object.kind === 'Role' || l.object.kind === 'ClusterRole') {
      for (const r of o.rules ?? []) {
        if ([...(r.verbs ?? []), ...(r.resources ?? []), ...(r.apiGroups ?? [])].includes('*'))
          problems.push(`${describe(l)}: a rule with a wildcard`);
      }
    }
  }
  return problems;
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY)(_MASTER)?$/i;
const SECRET_VALUE = [
  /:\/\/[^/\s:@]+:[^/\s@]+@/, // a URL with a password
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/** V021: no secret in a literal: env values, args and ConfigMap data. */
export function secretLiteralProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  const literal = (where: string, name: string, value: string) => {
    if (SECRET_NAME.test(name) && value !== '' && !/^\$\([A-Z_]+\)$/.test(value))
      problems.push(`${where}: ${name} is a literal (use a secretKeyRef)`);
    else if (SECRET_VALUE.some((r) => r.test(value)))
      problems.push(`${where}: ${name} holds a secret-looking value`);
  };
  for (const p of podsOf(objects)) {
    for (const c of containersOf(p)) {
      const where = `${describe(p.workload)} container ${c.name}`;
      for (const e of c.env ?? []) if (e.value !== undefined) literal(where, e.name, e.value);
      const args = [...(c.command ?? []), ...(c.args ?? [])];
      args.forEach((a, i) => {
        const before = args[i - 1] ?? '';
        const flag = before.startsWith('-') ? before.replace(/^-+/, '') : '';
        if (/pass|secret|token/i.test(flag) && !/^\$\([A-Z_]+\)$/.test(a))
          problems.push(`${where}: argument ${args[i - 1]} is a literal`);
        else literal(where, `argument ${i}`, a);
      });
    }
  }
  for (const l of objects.filter((x) => x.object.kind === 'ConfigMap')) {
    for (const [k, v] of Object.entries((l.object as { data?: Record<string, string> }).data ?? {}))
      literal(describe(l), k, v);
  }
  return problems;
}

// ---------------------------------------------------------------- V022-V024

/** V022: critical services at ≥ 2 replicas, a PDB that allows a disruption, rolling updates with maxUnavailable 0. */
export function availabilityProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const s of services.filter((x) => x.critical)) {
    const p = podsOf(objects).find((x) => x.service?.name === s.name);
    if (!p) {
      problems.push(`${s.name}: critical, and no workload runs it`);
      continue;
    }
    const where = describe(p.workload);
    const w = p.workload.object.spec;
    // Without spec.replicas the workload's HPA sets the count, never below its minReplicas.
    const hpa = objects.find(
      (l) =>
        l.object.kind === 'HorizontalPodAutoscaler' &&
        spec<{ scaleTargetRef?: { kind: string; name: string } }>(l.object).scaleTargetRef?.name ===
          p.workload.object.metadata.name,
    );
    const replicas =
      w.replicas ?? (hpa && spec<{ minReplicas?: number }>(hpa.object).minReplicas) ?? 1;
    if (replicas < 2) problems.push(`${where}: ${replicas} replica(s) for a critical service`);
    if (
      p.workload.object.kind === 'Deployment' &&
      (w.strategy?.type === 'Recreate' ||
        String(w.strategy?.rollingUpdate?.maxUnavailable ?? '25%') !== '0')
    )
      problems.push(
        `${where}: a rollout may take pods down (rollingUpdate.maxUnavailable is not 0)`,
      );
    const pdb = objects.find(
      (l) =>
        l.object.kind === 'PodDisruptionBudget' &&
        selects(
          spec<{ selector?: { matchLabels?: Record<string, string> } }>(l.object).selector
            ?.matchLabels ?? { '': '' },
          p.labels,
        ),
    );
    if (!pdb) {
      problems.push(`${where}: no PodDisruptionBudget`);
      continue;
    }
    const b = spec<{ minAvailable?: number; maxUnavailable?: number }>(pdb.object);
    const allows =
      b.maxUnavailable !== undefined ? b.maxUnavailable >= 1 : (b.minAvailable ?? 0) < replicas;
    if (!allows)
      problems.push(`${describe(pdb)}: allows no voluntary disruption (a node drain would hang)`);
  }
  return problems;
}

/** V023: every HPA targets a real workload, min ≥ 2, max > min, its containers request CPU. */
export function autoscalerProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const l of objects.filter((x) => x.object.kind === 'HorizontalPodAutoscaler')) {
    const s = spec<{
      scaleTargetRef: { kind: string; name: string };
      minReplicas?: number;
      maxReplicas: number;
    }>(l.object);
    const target = find(
      objects,
      s.scaleTargetRef.kind,
      s.scaleTargetRef.name,
      l.object.metadata.namespace ?? 'default',
    );
    const min = s.minReplicas ?? 1;
    if (min < 2) problems.push(`${describe(l)}: minReplicas ${min} < 2`);
    if (s.maxReplicas <= min)
      problems.push(`${describe(l)}: maxReplicas ${s.maxReplicas} is not above minReplicas ${min}`);
    if (!target || !isWorkload(target.object)) {
      problems.push(
        `${describe(l)}: targets ${s.scaleTargetRef.kind}/${s.scaleTargetRef.name}, no workload`,
      );
      continue;
    }
    for (const c of (target.object as Workload).spec.template.spec.containers)
      if (!c.resources?.requests?.cpu)
        problems.push(`${describe(l)}: container ${c.name} requests no CPU to scale on`);
  }
  return problems;
}

/** V024: a preStop pause, and a grace period covering it plus the service's drain budget. */
export function shutdownProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const p of podsOf(objects)) {
    if (!p.service) continue;
    const where = describe(p.workload);
    const c = p.spec.containers[0]!;
    const preStop = c.lifecycle?.preStop?.sleep?.seconds;
    if (preStop === undefined) {
      problems.push(`${where}: no preStop pause (requests still routed to it would fail)`);
      continue;
    }
    const cm = (c.envFrom ?? [])
      .map((f) => f.configMapRef && find(objects, 'ConfigMap', f.configMapRef.name, p.namespace))
      .find(Boolean);
    const drainMs = Number(
      (cm?.object as { data?: Record<string, string> } | undefined)?.data?.SHUTDOWN_TIMEOUT_MS ??
        5000,
    );
    const grace = p.spec.terminationGracePeriodSeconds ?? 30;
    if (grace < preStop + drainMs / 1000)
      problems.push(
        `${where}: grace period ${grace}s < preStop ${preStop}s + drain ${drainMs / 1000}s`,
      );
  }
  return problems;
}

// ---------------------------------------------------------------- V025-V027

interface PolicySpec {
  podSelector?: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}
interface Peer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number }[];
}

const policies = (objects: readonly Located[]) =>
  objects.filter((l) => l.object.kind === 'NetworkPolicy');

/** V025: each declared namespace denies all ingress and egress by default, covering every pod. */
export function defaultDenyProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const ns of objects.filter((l) => l.object.kind === 'Namespace')) {
    const deny = policies(objects).find((l) => {
      const s = spec<PolicySpec>(l.object);
      return (
        l.object.metadata.namespace === ns.object.metadata.name &&
        Object.keys(s.podSelector?.matchLabels ?? {}).length === 0 &&
        ['Ingress', 'Egress'].every((t) => s.policyTypes?.includes(t)) &&
        !s.ingress?.length &&
        !s.egress?.length
      );
    });
    if (!deny)
      problems.push(
        `${describe(ns)}: no default-deny NetworkPolicy (ingress and egress, every pod)`,
      );
  }
  return problems;
}

/** A pod (or a party outside) as the policy simulation sees it. */
export interface Endpoint {
  readonly namespace: string | null; // null: outside the cluster
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

const peerMatches = (peer: Peer, policyNs: string, e: Endpoint) => {
  if (peer.ipBlock) return e.namespace === null;
  if (e.namespace === null) return false;
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector.matchLabels, e.namespaceLabels)
    : e.namespace === policyNs;
  const podOk = peer.podSelector ? selects(peer.podSelector.matchLabels, e.labels) : true;
  return nsOk && podOk;
};

/**
 * Whether the NetworkPolicies let `from` open a TCP/UDP connection to `to` on `port`: the
 * egress of `from`'s namespace policies that select it, and the ingress of `to`'s, each
 * allowing when no policy isolates that side (Kubernetes semantics, without named ports).
 */
export function allowed(
  objects: readonly Located[],
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
): boolean {
  const side = (self: Endpoint, peer: Endpoint, dir: 'Ingress' | 'Egress') => {
    if (self.namespace === null) return true;
    const isolating = policies(objects).filter((l) => {
      const s = spec<PolicySpec>(l.object);
      return (
        l.object.metadata.namespace === self.namespace &&
        selects(s.podSelector?.matchLabels, self.labels) &&
        (s.policyTypes ?? ['Ingress']).includes(dir)
      );
    });
    if (isolating.length === 0) return true;
    return isolating.some((l) => {
      const s = spec<PolicySpec>(l.object);
      const rules = (dir === 'Ingress' ? s.ingress : s.egress) ?? [];
      return rules.some((r) => {
        const peers = dir === 'Ingress' ? r.from : r.to;
        const peerOk =
          !peers || peers.some((x) => peerMatches(x, l.object.metadata.namespace!, peer));
        const portOk =
          !r.ports ||
          r.ports.some(
            (x) => (x.protocol ?? 'TCP') === protocol && (x.port === undefined || x.port === port),
          );
        return peerOk && portOk;
      });
    });
  };
  return side(from, to, 'Egress') && side(to, from, 'Ingress');
}

/**
 * V026: the policies allow every edge the catalog requires (callers to upstreams, the gateway
 * to routed services and from outside, services to PostgreSQL and Redis, everyone to DNS,
 * Prometheus to every service) and deny the edges it does not declare.
 */
export function policySimulationProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  const pods = podsOf(objects);
  const nsLabels = (ns: string) =>
    objects.find((l) => l.object.kind === 'Namespace' && l.object.metadata.name === ns)?.object
      .metadata.labels ?? { 'kubernetes.io/metadata.name': ns };
  const endpoint = (name: string): Endpoint | undefined => {
    const p = pods.find((x) => x.labels[LABEL_NAME] === name);
    return (
      p && { namespace: p.namespace, namespaceLabels: nsLabels(p.namespace), labels: p.labels }
    );
  };
  const outside: Endpoint = { namespace: null, namespaceLabels: {}, labels: {} };
  const dns: Endpoint = {
    namespace: 'kube-system',
    namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
    labels: { 'k8s-app': 'kube-dns' },
  };
  const istiod: Endpoint = {
    namespace: 'istio-system',
    namespaceLabels: { 'kubernetes.io/metadata.name': 'istio-system' },
    labels: { app: 'istiod' },
  };
  const prometheus: Endpoint = {
    namespace: 'monitoring',
    namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
    labels: { 'app.kubernetes.io/name': 'prometheus' },
  };
  const expect = (
    want: boolean,
    what: string,
    a: Endpoint | undefined,
    b: Endpoint | undefined,
    port: number,
    protocol = 'TCP',
  ) => {
    if (!a || !b) return problems.push(`${what}: no pod to simulate`);
    if (allowed(objects, a, b, port, protocol) !== want)
      problems.push(
        `${what} on ${port}/${protocol}: ${want ? 'denied, the catalog needs it' : 'allowed, the catalog does not declare it'}`,
      );
  };
  const names = services.map((s) => s.name);
  for (const s of services) {
    const me = endpoint(s.name);
    const may = new Set<string>(upstreamsOf(s));
    for (const t of names) {
      if (t === s.name) continue;
      expect(may.has(t), `${s.name} → ${t}`, me, endpoint(t), catalog[t].port);
    }
    expect(true, `${s.name} → postgres`, me, endpoint('postgres'), POSTGRES_PORT);
    expect(s.redis === 'optional', `${s.name} → redis`, me, endpoint('redis'), REDIS_PORT);
    expect(true, `${s.name} → DNS`, me, dns, 53, 'UDP');
    expect(true, `${s.name}'s sidecar → istiod`, me, istiod, ISTIOD_PORT);
    expect(true, `prometheus → ${s.name}`, prometheus, me, s.port);
    expect(s.name === 'gateway', `outside → ${s.name}`, outside, me, s.port);
  }
  expect(false, 'outside → postgres', outside, endpoint('postgres'), POSTGRES_PORT);
  expect(false, 'outside → redis', outside, endpoint('redis'), REDIS_PORT);
  expect(false, 'postgres → outside', endpoint('postgres'), outside, 443);
  return problems;
}

/** V027: only the gateway is reachable from outside the cluster; PostgreSQL and Redis never are. */
export function exposureProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const l of objects) {
    const s =
      spec<{
        type?: string;
        selector?: Record<string, string>;
        rules?: { http?: { paths?: { backend?: { service?: { name: string } } }[] } }[];
      }>(l.object) ?? {};
    if (
      l.object.kind === 'Service' &&
      (s.type === 'LoadBalancer' || s.type === 'NodePort') &&
      s.selector?.[LABEL_NAME] !== 'gateway'
    )
      problems.push(
        `${describe(l)}: ${s.type} exposes ${s.selector?.[LABEL_NAME] ?? 'pods'} outside the cluster`,
      );
    if (l.object.kind === 'Ingress')
      for (const r of s.rules ?? [])
        for (const p of r.http?.paths ?? [])
          if (p.backend?.service?.name !== 'gateway')
            problems.push(`${describe(l)}: routes to ${p.backend?.service?.name}`);
  }
  return problems;
}

// ---------------------------------------------------------------- V003 (cluster)

/** V003 (cluster): every http URL in a ConfigMap names a Service of its namespace, on its port. */
export function clusterUrlProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const l of objects.filter((x) => x.object.kind === 'ConfigMap')) {
    const ns = l.object.metadata.namespace ?? 'default';
    for (const [k, v] of Object.entries(
      (l.object as { data?: Record<string, string> }).data ?? {},
    )) {
      if (!k.endsWith('_URL') || !/^https?:\/\//.test(v)) continue;
      const url = new URL(v);
      const name = url.hostname.replace(new RegExp(`\\.${ns}(\\.svc(\\.cluster\\.local)?)?$`), '');
      const svc = find(objects, 'Service', name, ns);
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      if (!svc) problems.push(`${describe(l)}: ${k}=${v} names no Service in ${ns}`);
      else if (
        !(spec<{ ports?: { port: number }[] }>(svc.object).ports ?? []).some((p) => p.port === port)
      )
        problems.push(`${describe(l)}: ${k}=${v}: Service/${name} has no port ${port}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- V030, V031

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'le',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads (functions, labels, strings and ranges left out). */
export function promqlMetrics(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    if (m[2] || PROMQL_WORDS.has(m[1]!.toLowerCase())) continue;
    names.add(m[1]!);
  }
  return [...names];
}

/** The series names a family exports (a histogram: its _bucket, _count and _sum). */
export function seriesOf(families: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>(['up']); // Prometheus's own, for every target
  for (const [name, type] of families) {
    out.add(name);
    if (type === 'histogram') for (const x of ['_bucket', '_count', '_sum']) out.add(name + x);
  }
  return out;
}

const unknownMetrics = (expr: string, series: ReadonlySet<string>) =>
  promqlMetrics(expr).filter((m) => !series.has(m));

/**
 * V030: a ServiceMonitor scrapes every catalog service's /metrics, and the PrometheusRules the
 * operator selects hold at least 15 alerts, each reading only series the services export.
 */
export function prometheusProblems(
  objects: readonly Located[],
  series: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const selected = (l: Located) => selects(PROMETHEUS_SELECTOR, l.object.metadata.labels ?? {});
  const monitors = objects.filter((l) => l.object.kind === 'ServiceMonitor' && selected(l));
  for (const s of services) {
    const svc = objects.find(
      (l) => l.object.kind === 'Service' && l.object.metadata.name === s.name,
    );
    const labels = svc?.object.metadata.labels ?? {};
    const ports = (svc && spec<{ ports?: { name?: string }[] }>(svc.object).ports) ?? [];
    const scraped = monitors.some((m) => {
      const ms = spec<{
        selector?: {
          matchLabels?: Record<string, string>;
          matchExpressions?: { key: string; operator: string; values?: string[] }[];
        };
        endpoints?: { port?: string; path?: string }[];
      }>(m.object);
      const bySelector =
        selects(ms.selector?.matchLabels, labels) &&
        (ms.selector?.matchExpressions ?? []).every(
          (e) => e.operator === 'In' && (e.values ?? []).includes(labels[e.key] ?? ''),
        );
      const endpoint = (ms.endpoints ?? []).some(
        (e) => (e.path ?? '/metrics') === '/metrics' && ports.some((p) => p.name === e.port),
      );
      return svc !== undefined && bySelector && endpoint;
    });
    if (!scraped) problems.push(`${s.name}: no ServiceMonitor scrapes its Service's /metrics`);
  }
  const rules = objects
    .filter((l) => l.object.kind === 'PrometheusRule')
    .flatMap((l) => {
      if (!selected(l)) {
        problems.push(
          `${describe(l)}: not labelled ${JSON.stringify(PROMETHEUS_SELECTOR)}: Prometheus would not load it`,
        );
        return [];
      }
      const groups =
        spec<{ groups?: { rules?: { alert?: string; record?: string; expr?: string }[] }[] }>(
          l.object,
        ).groups ?? [];
      return groups.flatMap((g) => g.rules ?? []).map((r) => ({ l, r }));
    });
  const alerts = rules.filter(({ r }) => r.alert);
  if (alerts.length < 15) problems.push(`${alerts.length} alert rules, at least 15 expected`);
  for (const { l, r } of rules) {
    const name = r.alert ?? r.record ?? '(unnamed)';
    if (typeof r.expr !== 'string' || r.expr.trim() === '') {
      problems.push(`${describe(l)}: rule ${name} has no expression`);
      continue;
    }
    if (!balanced(r.expr))
      problems.push(`${describe(l)}: rule ${name}: unbalanced brackets in ${r.expr}`);
    for (const m of unknownMetrics(r.expr, series))
      problems.push(`${describe(l)}: rule ${name} reads ${m}, which no service exports`);
  }
  return problems;
}

function balanced(expr: string): boolean {
  const open = '([{';
  const close = ')]}';
  const stack: string[] = [];
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"/g, '')) {
    if (open.includes(ch)) stack.push(ch);
    else if (close.includes(ch) && stack.pop() !== open[close.indexOf(ch)]) return false;
  }
  return stack.length === 0;
}

/** V031: a dashboard per catalog service and one for the SLOs; every panel reads exported series. */
export function dashboardProblems(
  objects: readonly Located[],
  series: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const dashboards: {
    l: Located;
    uid: string;
    panels: { title?: string; targets?: { expr?: string }[] }[];
  }[] = [];
  for (const l of objects) {
    if (
      l.object.kind !== 'ConfigMap' ||
      l.object.metadata.labels?.[GRAFANA_DASHBOARD_LABEL] === undefined
    )
      continue;
    for (const [key, text] of Object.entries(
      (l.object as { data?: Record<string, string> }).data ?? {},
    )) {
      try {
        const d = JSON.parse(text) as { uid?: string; panels?: [] };
        dashboards.push({ l, uid: d.uid ?? key, panels: d.panels ?? [] });
      } catch {
        problems.push(`${describe(l)}: ${key} is not JSON`);
      }
    }
  }
  const uids = new Set(dashboards.map((d) => d.uid));
  for (const uid of [...services.map((s) => `alphintra-${s.name}`), 'alphintra-slo'])
    if (!uids.has(uid)) problems.push(`no dashboard ${uid}`);
  for (const d of dashboards) {
    if (d.panels.length === 0) problems.push(`${describe(d.l)}: dashboard ${d.uid} has no panels`);
    for (const p of d.panels) {
      const targets = p.targets ?? [];
      if (targets.length === 0) problems.push(`${d.uid}: panel "${p.title}" queries nothing`);
      for (const t of targets)
        for (const m of unknownMetrics(t.expr ?? '', series))
          problems.push(`${d.uid}: panel "${p.title}" reads ${m}, which no service exports`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- V028, V029

const MTLS_MODES_WEAK = new Set(['PERMISSIVE', 'DISABLE']);
const principalOf = (ns: string, account: string) => `cluster.local/ns/${ns}/sa/${account}`;

interface AuthzRule {
  from?: { source?: { principals?: string[]; namespaces?: string[] } }[];
  to?: { operation?: { ports?: string[]; paths?: string[] } }[];
}

/**
 * V028: mutual TLS STRICT in every namespace (nothing weakens it), an ALLOW policy per service
 * naming exactly its catalog callers' ServiceAccounts (anyone for the gateway; a namespace
 * only for /metrics), and the gateway's RequestAuthentication at the JWKS auth serves.
 */
export function meshSecurityProblems(
  objects: readonly Located[],
  authServes: readonly string[],
): string[] {
  const problems: string[] = [];
  const of = (kind: string) => objects.filter((l) => l.object.kind === kind);
  for (const ns of of('Namespace')) {
    const name = ns.object.metadata.name;
    const strict = of('PeerAuthentication').some((l) => {
      const s = spec<{ selector?: object; mtls?: { mode?: string } }>(l.object);
      return l.object.metadata.namespace === name && !s.selector && s.mtls?.mode === 'STRICT';
    });
    if (!strict)
      problems.push(`${describe(ns)}: no namespace-wide PeerAuthentication with mTLS STRICT`);
  }
  for (const l of of('PeerAuthentication')) {
    const s = spec<{ mtls?: { mode?: string }; portLevelMtls?: Record<string, { mode?: string }> }>(
      l.object,
    );
    const modes = [s.mtls?.mode, ...Object.values(s.portLevelMtls ?? {}).map((m) => m.mode)];
    if (modes.some((m) => m !== undefined && MTLS_MODES_WEAK.has(m)))
      problems.push(`${describe(l)}: weakens mTLS (${modes.filter(Boolean).join(', ')})`);
  }
  for (const svc of services) {
    const pod = podsOf(objects).find((p) => p.service?.name === svc.name);
    if (!pod) continue;
    const policies = of('AuthorizationPolicy').filter((l) => {
      const s = spec<{ selector?: { matchLabels?: Record<string, string> }; action?: string }>(
        l.object,
      );
      return (
        l.object.metadata.namespace === pod.namespace &&
        (s.action ?? 'ALLOW') === 'ALLOW' &&
        s.selector !== undefined &&
        selects(s.selector.matchLabels, pod.labels)
      );
    });
    if (policies.length === 0) {
      problems.push(
        `${svc.name}: no ALLOW AuthorizationPolicy selects it (with mTLS alone, any pod may call it)`,
      );
      continue;
    }
    const rules = policies.flatMap((l) => spec<{ rules?: AuthzRule[] }>(l.object).rules ?? []);
    const principals = new Set(
      rules.flatMap((r) => (r.from ?? []).flatMap((f) => f.source?.principals ?? [])),
    );
    const want = new Set(callersOf(svc.name).map((c) => principalOf(pod.namespace, c)));
    if (svc.name !== 'gateway') {
      for (const p of want)
        if (!principals.has(p)) problems.push(`${svc.name}: its caller ${p} is not allowed`);
      for (const p of principals)
        if (!want.has(p))
          problems.push(`${svc.name}: allows ${p}, which the catalog does not name as a caller`);
    }
    for (const r of rules) {
      const open = !r.from || r.from.some((f) => !f.source?.principals && !f.source?.namespaces);
      const metricsOnly =
        (r.to ?? []).length > 0 &&
        (r.to ?? []).every(
          (t) =>
            (t.operation?.paths ?? []).every((p) => p === '/metrics') &&
            (t.operation?.paths ?? []).length > 0,
        );
      if (open && svc.name !== 'gateway') problems.push(`${svc.name}: a rule allows any source`);
      const byNamespace = (r.from ?? []).some((f) => f.source?.namespaces && !f.source.principals);
      if (byNamespace && !metricsOnly)
        problems.push(`${svc.name}: a whole namespace may call more than /metrics`);
    }
  }
  const gatewayPod = podsOf(objects).find((p) => p.service?.name === 'gateway');
  const requestAuth = of('RequestAuthentication').find((l) =>
    selects(
      spec<{ selector?: { matchLabels?: Record<string, string> } }>(l.object).selector?.matchLabels,
      gatewayPod?.labels ?? {},
    ),
  );
  if (!requestAuth) problems.push('gateway: no RequestAuthentication selects it');
  for (const r of requestAuth
    ? (spec<{ jwtRules?: { jwksUri?: string }[] }>(requestAuth.object).jwtRules ?? [])
    : []) {
    const uri = r.jwksUri ? new URL(r.jwksUri) : undefined;
    const host = uri?.hostname.split('.')[0];
    if (!uri || host !== 'auth' || Number(uri.port || 80) !== catalog.auth.port)
      problems.push(
        `${describe(requestAuth!)}: jwksUri ${r.jwksUri} is not auth's Service on ${catalog.auth.port}`,
      );
    else if (!authServes.includes(uri.pathname))
      problems.push(
        `${describe(requestAuth!)}: jwksUri path ${uri.pathname} is not a route auth serves`,
      );
  }
  return problems;
}

/** Istio's outlierDetection fields (a misspelt or removed one, like consecutiveErrors, does nothing). */
const OUTLIER_FIELDS = new Set([
  'consecutive5xxErrors',
  'consecutiveGatewayErrors',
  'consecutiveLocalOriginFailures',
  'splitExternalLocalOriginErrors',
  'interval',
  'baseEjectionTime',
  'maxEjectionPercent',
  'minHealthPercent',
]);
const seconds = (d: string | undefined) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d ?? '');
  return m
    ? Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[m[2]!]!
    : undefined;
};

/** V029: outlier detection (real fields), a timeout and bounded retries on calls to risk and broker. */
export function meshResilienceProblems(objects: readonly Located[]): string[] {
  const problems: string[] = [];
  for (const name of RESILIENT_UPSTREAMS) {
    const hosts = new Set([
      name,
      `${name}.${NAMESPACE_OF_SERVICE(objects, name)}.svc.cluster.local`,
    ]);
    const rule = objects.find(
      (l) =>
        l.object.kind === 'DestinationRule' &&
        hosts.has(spec<{ host?: string }>(l.object).host ?? ''),
    );
    const od =
      rule &&
      spec<{ trafficPolicy?: { outlierDetection?: Record<string, unknown> } }>(rule.object)
        .trafficPolicy?.outlierDetection;
    if (!od) problems.push(`${name}: no DestinationRule with outlierDetection`);
    else {
      for (const k of Object.keys(od))
        if (!OUTLIER_FIELDS.has(k))
          problems.push(`${describe(rule!)}: outlierDetection.${k} is not an Istio field`);
      if (od.consecutive5xxErrors === undefined && od.consecutiveGatewayErrors === undefined)
        problems.push(
          `${describe(rule!)}: outlierDetection ejects on nothing (no consecutive5xxErrors or consecutiveGatewayErrors)`,
        );
    }
    const vs = objects.find(
      (l) =>
        l.object.kind === 'VirtualService' &&
        (spec<{ hosts?: string[] }>(l.object).hosts ?? []).some((h) => hosts.has(h)),
    );
    const routes = vs
      ? (spec<{
          http?: { timeout?: string; retries?: { attempts?: number; perTryTimeout?: string } }[];
        }>(vs.object).http ?? [])
      : [];
    if (routes.length === 0) problems.push(`${name}: no VirtualService routes calls to it`);
    for (const r of routes) {
      const timeout = seconds(r.timeout);
      if (timeout === undefined) problems.push(`${describe(vs!)}: no timeout`);
      const attempts = r.retries?.attempts;
      if (attempts === undefined || attempts < 1 || attempts > 3)
        problems.push(`${describe(vs!)}: retries.attempts ${attempts} (1 to 3)`);
      const perTry = seconds(r.retries?.perTryTimeout);
      if (perTry === undefined || (timeout !== undefined && perTry >= timeout))
        problems.push(
          `${describe(vs!)}: perTryTimeout ${r.retries?.perTryTimeout} is not below the timeout`,
        );
    }
  }
  return problems;
}

const NAMESPACE_OF_SERVICE = (objects: readonly Located[], name: string) =>
  objects.find((l) => l.object.kind === 'Service' && l.object.metadata.name === name)?.object
    .metadata.namespace ?? 'default';
