/*
 * The little of the Kubernetes object model the renderer writes and the static checks read.
 * Objects stay plain JSON (what YAML parses to): the checks must read committed files that a
 * person may have edited, so nothing here assumes the renderer's own shapes.
 */

/** Any Kubernetes object, as parsed from YAML. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** An object and where it came from (`manifests/base/trading.yaml`, the object's index). */
export interface Located<T extends KubeObject = KubeObject> {
  readonly object: T;
  readonly file: string;
  /** 1-based line of the document's first line in the file. */
  readonly line: number;
}

/** `Kind/name` (with the file and line when known), the way findings name an object. */
export function describe(o: Located | KubeObject): string {
  if (typeof o.file === 'string') {
    const { object, file, line } = o as Located;
    return `${object.kind}/${object.metadata.name} (${file}:${line})`;
  }
  const object = o as KubeObject;
  return `${object.kind}/${object.metadata.name}`;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: number | string };
  readonly exec?: { readonly command: readonly string[] };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly {
    readonly name?: string;
    readonly containerPort: number;
    readonly hostPort?: number;
  }[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly {
    readonly configMapRef?: { readonly name: string };
    readonly secretRef?: { readonly name: string };
  }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly lifecycle?: { readonly preStop?: { readonly sleep?: { readonly seconds: number } } };
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
  readonly securityContext?: Readonly<Record<string, unknown>>;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

export interface Volume {
  readonly name: string;
  readonly emptyDir?: object;
  readonly secret?: { readonly secretName: string };
  readonly configMap?: { readonly name: string };
  readonly persistentVolumeClaim?: { readonly claimName: string };
  readonly hostPath?: object;
}

export interface PodSpec {
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly terminationGracePeriodSeconds?: number;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: Readonly<Record<string, unknown>>;
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
}

export interface PodTemplate {
  readonly metadata: { readonly labels: Readonly<Record<string, string>> };
  readonly spec: PodSpec;
}

/** Deployments and StatefulSets: the objects that run pods. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);

export interface Workload extends KubeObject {
  readonly spec: {
    readonly replicas?: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly strategy?: {
      readonly type?: string;
      readonly rollingUpdate?: { readonly maxUnavailable?: number | string };
    };
    readonly template: PodTemplate;
    readonly volumeClaimTemplates?: readonly { readonly metadata: { readonly name: string } }[];
  };
}

export function isWorkload(o: KubeObject): o is Workload {
  return WORKLOAD_KINDS.has(o.kind);
}

/**
 * What the workloads read from each Secret, in the order they first name it: the keys their
 * containers' env takes (secretKeyRef), or `all` when a pod mounts the Secret as a volume
 * (its files). The renderer writes a Secret for each name; deploy fills exactly these keys.
 */
export function secretReads(objects: readonly KubeObject[]): Map<string, Set<string> | 'all'> {
  const reads = new Map<string, Set<string> | 'all'>();
  for (const o of objects) {
    if (!isWorkload(o)) continue;
    const pod = o.spec.template.spec;
    for (const c of pod.containers)
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const keys = reads.get(ref.name) ?? new Set<string>();
        if (keys !== 'all') reads.set(ref.name, keys.add(ref.key));
      }
    for (const v of pod.volumes ?? []) if (v.secret) reads.set(v.secret.secretName, 'all');
  }
  return reads;
}

/** Whether `labels` carry every pair of `selector` (an empty selector selects every pod). */
export function selects(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}
