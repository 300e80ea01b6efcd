import {
  callersOf,
  catalog,
  services,
  upstreamsOf,
  type ServiceName,
  type ServiceSpec,
} from '../../../services/catalog.js';
import { buildServiceEnv, type EnvContext } from '../runtime/local/env.js';
import { SHUTDOWN_TIMEOUT_MS } from '../runtime/local/env-context.js';
import { secretReads, type Container, type EnvVar, type KubeObject, type Volume } from './kube.js';
import { meshObjects } from './mesh.js';
import { monitoringObjects } from './monitoring.js';
import { LABEL_NAME, LABEL_PART_OF, NAMESPACE } from './names.js';
import { memoryBytes } from './quantity.js';

/*
 * Kubernetes manifests rendered from the catalog (ARCHITECTURE.md §1: one service graph drives
 * everything). Per service: a ServiceAccount, a ConfigMap with its plain settings, a Deployment,
 * a Service and a NetworkPolicy from its catalog edges, and for critical services a
 * PodDisruptionBudget and an HPA. The env is the one the local runtime builds (the same
 * builder, a cluster's addresses), split into plain settings and secret references. The
 * platform's data (PostgreSQL, Redis) and the namespace's default-deny close the set.
 */

/** Every image comes from this registry (the platform's, and mirrors of PostgreSQL and Redis). */
export const REGISTRY = 'ghcr.io/alphintra';
/** The data stores' upstream images; the manifests name them under REGISTRY. */
export const DATA_IMAGES = {
  postgres: 'postgres:15.10-alpine',
  redis: 'redis:7.4-alpine',
} as const;
export const WEB_APP_ORIGIN = 'https://app.alphintra.dev';
export const POSTGRES_PORT = 5432;
/** istiod's xDS and certificate port. */
export const ISTIOD_PORT = 15012;
export const REDIS_PORT = 6379;
/** Seconds a pod keeps serving after it is removed from its Service's endpoints. */
export const PRE_STOP_SECONDS = 5;
/** Share of the container's memory limit the V8 heap may take (the rest: buffers, code, stacks). */
const HEAP_SHARE = 0.75;
const APP_UID = 10001;
const DATA_UID = 999;
/** Where the secret key files of a service are mounted. */
const KEYS_DIR = '/var/run/secrets/alphintra/keys';

/** Variables whose values are secrets: they come from the service's Secret, never a literal. */
export const SECRET_ENV: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'BUS_DATABASE_URL',
  'DISCOVERY_DATABASE_URL',
  'REDIS_URL',
  'SERVICE_CREDENTIAL',
  'SERVICE_CREDENTIAL_MASTER',
]);

/** Pods that may reach PostgreSQL / Redis (the data NetworkPolicies select on them). */
export const LABEL_POSTGRES_CLIENT = 'alphintra.dev/postgres-client';
export const LABEL_REDIS_CLIENT = 'alphintra.dev/redis-client';

export interface RenderOptions {
  /** The platform image's tag (default: the package version). */
  readonly version: string;
  /** Origins the gateway allows by CORS in the cluster (default: the web app's). */
  readonly corsOrigins?: string;
}

/** One file of the rendered set: its path under manifests/ and its objects, in order. */
export interface ManifestFile {
  readonly path: string;
  readonly objects: readonly KubeObject[];
}

const meta = (name: string, labels: Record<string, string> = {}) => ({
  name,
  namespace: NAMESPACE,
  labels: { [LABEL_NAME]: name, [LABEL_PART_OF]: 'alphintra', ...labels },
});

export const platformImage = (version: string) => `${REGISTRY}/platform:${version}`;
export const secretName = (service: string) => `${service}-secrets`;
/** What another pod in the namespace reaches a service at. */
export const clusterUrl = (service: ServiceName) => `http://${service}:${catalog[service].port}`;

/** A memory quantity in MiB (the catalog's are all quantities: a bad one is a bug). */
function mebibytes(q: string): number {
  const bytes = memoryBytes(q);
  if (bytes === undefined) throw new Error(`memory ${q} is not a Kubernetes quantity`);
  return bytes / 2 ** 20;
}

/** The env a service's pods get: the local runtime's builder, with a cluster's addresses. */
export function clusterEnv(spec: ServiceSpec, opts: RenderOptions): Record<string, string> {
  const placeholder = (what: string) => `secret:${what}`;
  const ctx: EnvContext = {
    profile: 'prod',
    logLevel: 'info',
    host: '0.0.0.0',
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    portOf: (s) => catalog[s].port,
    urlOf: clusterUrl,
    // Secret values are placeholders: only their names reach the manifests (secretKeyRef).
    databaseUrlOf: (s) => (catalog[s].postgres ? placeholder('database') : undefined),
    redisUrl: spec.redis === 'optional' ? placeholder('redis') : undefined,
    sharedDatabaseUrl: (kind) => placeholder(kind),
    keys: {
      jwtPrivateKeyFile: `${KEYS_DIR}/jwt-private.pem`,
      jwtPublicKeyFile: `${KEYS_DIR}/jwt-public.pem`,
      jwtKid: '',
      certPrivateKeyFile: `${KEYS_DIR}/cert-private.pem`,
      certPublicKeyFile: `${KEYS_DIR}/cert-public.pem`,
      created: false,
    },
    serviceCredentialMaster: placeholder('master'),
    parentEnv: { CORS_ORIGINS: opts.corsOrigins ?? WEB_APP_ORIGIN },
  };
  const { env } = buildServiceEnv(
    spec,
    { service: spec.name, index: 0, id: '', port: spec.port },
    ctx,
  );
  // Per pod, not per service: the pod's own name.
  delete env.INSTANCE_ID;
  return env;
}

function container(
  spec: ServiceSpec,
  env: Readonly<Record<string, string>>,
  opts: RenderOptions,
): Container {
  const plain = Object.keys(env).filter((k) => !SECRET_ENV.has(k));
  const secret = Object.keys(env).filter((k) => SECRET_ENV.has(k));
  const heapMiB = Math.floor(mebibytes(spec.resources.memoryLimit) * HEAP_SHARE);
  const vars: EnvVar[] = [
    { name: 'INSTANCE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'NODE_OPTIONS', value: `--max-old-space-size=${heapMiB}` },
    ...secret.map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: secretName(spec.name), key: name } },
    })),
  ];
  const keyFiles = plain.some((k) => env[k]!.startsWith(KEYS_DIR));
  const http = (path: string) => ({ httpGet: { path, port: spec.port } });
  return {
    name: spec.name,
    image: platformImage(opts.version),
    // The image holds the repository's dist/: one bundle per service.
    command: ['node', `dist/bundles/${spec.name}.mjs`],
    ports: [{ name: 'http', containerPort: spec.port }],
    envFrom: plain.length > 0 ? [{ configMapRef: { name: spec.name } }] : [],
    env: vars,
    startupProbe: {
      ...http('/health/live'),
      periodSeconds: 2,
      timeoutSeconds: 1,
      failureThreshold: 30,
    },
    readinessProbe: {
      ...http('/health/ready'),
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    livenessProbe: {
      ...http('/health/live'),
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
    resources: {
      requests: { cpu: spec.resources.cpuRequest, memory: spec.resources.memoryRequest },
      limits: { cpu: spec.resources.cpuLimit, memory: spec.resources.memoryLimit },
    },
    securityContext: restrictedContainer(),
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      ...(keyFiles ? [{ name: 'keys', mountPath: KEYS_DIR }] : []),
    ],
  };
}

const restrictedContainer = () => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
});
const restrictedPod = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: 'RuntimeDefault' },
});

/** Grace period: the pre-stop pause, the service's own drain budget, and a margin. */
export const terminationGraceSeconds = () =>
  PRE_STOP_SECONDS + Math.ceil(SHUTDOWN_TIMEOUT_MS / 1000) + 5;

function serviceObjects(spec: ServiceSpec, opts: RenderOptions): KubeObject[] {
  const env = clusterEnv(spec, opts);
  const plain = Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV.has(k)));
  const labels = {
    [LABEL_POSTGRES_CLIENT]: 'true',
    ...(spec.redis === 'optional' && { [LABEL_REDIS_CLIENT]: 'true' }),
  };
  const c = container(spec, env, opts);
  const volumes: Volume[] = [{ name: 'tmp', emptyDir: {} }];
  if (c.volumeMounts?.some((m) => m.name === 'keys')) {
    volumes.push({ name: 'keys', secret: { secretName: `${spec.name}-keys` } });
  }
  const selector = { [LABEL_NAME]: spec.name };
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(spec.name),
      automountServiceAccountToken: false,
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(spec.name), data: plain },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(spec.name),
      spec: {
        // A critical service's count belongs to its HPA (minReplicas below): a Deployment that
        // set it too would have every apply reset what the HPA scaled to.
        ...(!spec.critical && { replicas: spec.replicas }),
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: { ...meta(spec.name).labels, ...labels } },
          spec: {
            serviceAccountName: spec.name,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: terminationGraceSeconds(),
            securityContext: restrictedPod(APP_UID),
            containers: [c],
            volumes,
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(spec.name),
      spec: {
        // Only the edge is reachable from outside the cluster.
        type: spec.name === 'gateway' ? 'LoadBalancer' : 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: spec.port, targetPort: spec.port }],
      },
    },
    networkPolicy(spec),
  ];
  if (spec.critical) {
    objects.push(
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(spec.name),
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(spec.name),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
          minReplicas: spec.replicas,
          maxReplicas: spec.replicas * 3,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
          ],
        },
      },
    );
  }
  return objects;
}

const podsOf = (service: string) => ({ podSelector: { matchLabels: { [LABEL_NAME]: service } } });
const tcp = (port: number) => ({ protocol: 'TCP', port });

/**
 * A service's traffic, from its catalog edges: in from its callers (the gateway for a routed
 * service, anyone for the gateway itself) and from Prometheus in `monitoring`; out to its
 * upstreams, PostgreSQL (its database, discovery, the bus) and Redis when it uses it.
 */
function networkPolicy(spec: ServiceSpec): KubeObject {
  const from =
    spec.name === 'gateway'
      ? [{ ipBlock: { cidr: '0.0.0.0/0' } }]
      : callersOf(spec.name).map(podsOf);
  const prometheus = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  };
  const egress = [
    ...upstreamsOf(spec).map((u) => ({ to: [podsOf(u)], ports: [tcp(catalog[u].port)] })),
    { to: [podsOf('postgres')], ports: [tcp(POSTGRES_PORT)] },
    ...(spec.redis === 'optional' ? [{ to: [podsOf('redis')], ports: [tcp(REDIS_PORT)] }] : []),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(spec.name),
    spec: {
      podSelector: { matchLabels: { [LABEL_NAME]: spec.name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        ...(from.length > 0 ? [{ from, ports: [tcp(spec.port)] }] : []),
        { from: [prometheus], ports: [tcp(spec.port)] },
      ],
      egress,
    },
  };
}

/** A policy letting every pod of the namespace reach some pods of another namespace. */
function egressFromEveryPod(
  name: string,
  namespace: string,
  podLabels: Record<string, string>,
  ports: { protocol: string; port: number }[],
): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(name),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
              podSelector: { matchLabels: podLabels },
            },
          ],
          ports,
        },
      ],
    },
  };
}

/** The namespace, and what holds for every pod in it: deny by default, DNS and istiod allowed. */
function namespaceObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE, labels: { 'kubernetes.io/metadata.name': NAMESPACE } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    // Sidecars fetch their configuration and certificates from istiod (xDS, CA).
    egressFromEveryPod('allow-istiod', 'istio-system', { app: 'istiod' }, [tcp(ISTIOD_PORT)]),
    egressFromEveryPod('allow-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]),
  ];
}

/** A data store's pod: Guaranteed QoS (requests = limits), restricted, its own volume(s). */
function dataStore(o: {
  name: 'postgres' | 'redis';
  image: string;
  port: number;
  args?: string[];
  env: EnvVar[];
  probe: string[];
  cpu: string;
  memory: string;
  mounts: { name: string; mountPath: string }[];
}): Container {
  const probe = (periodSeconds: number) => ({
    exec: { command: o.probe },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  return {
    name: o.name,
    image: o.image,
    ...(o.args && { args: o.args }),
    ports: [{ name: o.name, containerPort: o.port }],
    env: o.env,
    // Recovery after a crash may replay the write-ahead log for a while: two minutes.
    startupProbe: { ...probe(5), failureThreshold: 24 },
    readinessProbe: probe(5),
    livenessProbe: { ...probe(15), exec: { command: ['sh', '-c', `kill -0 1`] } },
    resources: {
      requests: { cpu: o.cpu, memory: o.memory },
      limits: { cpu: o.cpu, memory: o.memory },
    },
    securityContext: restrictedContainer(),
    volumeMounts: o.mounts,
  };
}

function dataObjects(): KubeObject[] {
  // The data store's own pods (podSelector is required: without it the API server would take
  // an empty selector, every pod of the namespace; V011 found it missing).
  const clients = (store: 'postgres' | 'redis', label: string, port: number) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    spec: {
      podSelector: { matchLabels: { [LABEL_NAME]: store } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { [label]: 'true' } } }], ports: [tcp(port)] },
      ],
      egress: [],
    },
  });
  const data = (name: 'postgres' | 'redis', port: number) => ({
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: {
        type: 'ClusterIP',
        selector: { [LABEL_NAME]: name },
        ports: [{ name, port, targetPort: port }],
      },
    },
    account: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(name),
      automountServiceAccountToken: false,
    },
  });
  const pg = data('postgres', POSTGRES_PORT);
  const redis = data('redis', REDIS_PORT);
  const podSpec = (name: string, c: Container, volumes: Volume[]) => ({
    serviceAccountName: name,
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 30,
    securityContext: restrictedPod(DATA_UID),
    containers: [c],
    volumes,
  });
  return [
    pg.account,
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('postgres'),
      spec: {
        serviceName: 'postgres',
        replicas: 1,
        selector: { matchLabels: { [LABEL_NAME]: 'postgres' } },
        template: {
          metadata: { labels: meta('postgres').labels },
          spec: podSpec(
            'postgres',
            dataStore({
              name: 'postgres',
              image: `${REGISTRY}/${DATA_IMAGES.postgres}`,
              port: POSTGRES_PORT,
              env: [
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                {
                  name: 'POSTGRES_PASSWORD',
                  valueFrom: {
                    secretKeyRef: { name: secretName('postgres'), key: 'POSTGRES_PASSWORD' },
                  },
                },
              ],
              probe: ['pg_isready', '-U', 'postgres', '-h', '127.0.0.1'],
              cpu: '1',
              memory: '1Gi',
              mounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                { name: 'run', mountPath: '/var/run/postgresql' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }),
            [
              { name: 'run', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          ),
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: '10Gi' } },
            },
          },
        ],
      },
    },
    pg.service,
    { ...clients('postgres', LABEL_POSTGRES_CLIENT, POSTGRES_PORT), metadata: meta('postgres') },
    redis.account,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('redis'),
      spec: {
        replicas: 1,
        selector: { matchLabels: { [LABEL_NAME]: 'redis' } },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: meta('redis').labels },
          spec: podSpec(
            'redis',
            dataStore({
              name: 'redis',
              image: `${REGISTRY}/${DATA_IMAGES.redis}`,
              port: REDIS_PORT,
              // The rate limiter's keys must not be evicted to make room: refuse writes instead.
              args: [
                '--requirepass',
                '$(REDIS_PASSWORD)',
                '--maxmemory',
                '200mb',
                '--maxmemory-policy',
                'noeviction',
              ],
              env: [
                {
                  name: 'REDIS_PASSWORD',
                  valueFrom: { secretKeyRef: { name: secretName('redis'), key: 'REDIS_PASSWORD' } },
                },
              ],
              probe: [
                'sh',
                '-c',
                'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG',
              ],
              cpu: '250m',
              memory: '256Mi',
              mounts: [{ name: 'data', mountPath: '/data' }],
            }),
            [{ name: 'data', emptyDir: {} }],
          ),
        },
      },
    },
    redis.service,
    { ...clients('redis', LABEL_REDIS_CLIENT, REDIS_PORT), metadata: meta('redis') },
  ];
}

/**
 * The Secrets the pods reference (env and volumes), without their values: `alphintra deploy`
 * fills them from the platform's generated credentials (server-side apply owns `data`);
 * nothing secret is committed.
 */
function secretObjects(referencing: readonly KubeObject[]): KubeObject[] {
  const names = secretReads(referencing).keys();
  return [...names].map((name) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...meta(name),
      annotations: { 'alphintra.dev/filled-by': 'alphintra deploy' },
    },
    type: 'Opaque',
  }));
}

/**
 * Every file: `manifests/base` in apply order (its kustomization.yaml lists them), then
 * `manifests/mesh` (Istio) and `manifests/monitoring` (the Prometheus Operator and Grafana).
 */
export function renderManifests(opts: RenderOptions): ManifestFile[] {
  const data = dataObjects();
  const perService = services.map((s) => ({
    path: `base/${s.name}.yaml`,
    objects: serviceObjects(s, opts),
  }));
  const files: ManifestFile[] = [
    { path: 'base/namespace.yaml', objects: namespaceObjects() },
    {
      path: 'base/secrets.yaml',
      objects: secretObjects([...perService.flatMap((f) => f.objects), ...data]),
    },
    { path: 'base/data.yaml', objects: data },
    ...perService,
  ];
  const kustomization: KubeObject = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    metadata: { name: 'alphintra' },
    resources: files.map((f) => f.path.replace(/^base\//, '')),
  };
  const monitoring: ManifestFile = {
    path: 'monitoring/monitoring.yaml',
    objects: monitoringObjects(),
  };
  return [
    ...files,
    { path: 'base/kustomization.yaml', objects: [kustomization] },
    { path: 'mesh/mesh.yaml', objects: meshObjects() },
    { path: 'mesh/kustomization.yaml', objects: [{ ...kustomization, resources: ['mesh.yaml'] }] },
    monitoring,
    {
      path: 'monitoring/kustomization.yaml',
      objects: [{ ...kustomization, resources: ['monitoring.yaml'] }],
    },
  ];
}
