import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';

/*
 * A Kubernetes API server on loopback for deploy's tests: the outer network edge of the
 * platform, faked because this machine has no cluster. It serves discovery for the kinds
 * deploy writes, GET and server-side-apply PATCH of objects (kept in memory, with resource
 * versions and generations as the real one keeps them), and the status a controller would
 * write: workloads become ready and Jobs complete unless a test says otherwise. Every
 * request is recorded.
 */

interface Resource {
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const GROUPS: Record<string, Resource[]> = {
  v1: [
    { plural: 'namespaces', kind: 'Namespace', namespaced: false },
    { plural: 'secrets', kind: 'Secret', namespaced: true },
    { plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { plural: 'services', kind: 'Service', namespaced: true },
    { plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  ],
  'apps/v1': [
    { plural: 'deployments', kind: 'Deployment', namespaced: true },
    { plural: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  'batch/v1': [{ plural: 'jobs', kind: 'Job', namespaced: true }],
  'networking.k8s.io/v1': [{ plural: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true }],
  'policy/v1': [{ plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
  'autoscaling/v2': [
    { plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true },
  ],
};

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FakeKubeApi {
  readonly url: string;
  readonly token: string;
  readonly requests: RecordedRequest[];
  /** Stored objects by `Kind/namespace/name` (`Kind//name` when cluster-scoped). */
  readonly objects: Map<string, Obj>;
  /** Whether a workload reports ready / a Job complete (default: always). */
  ready: (object: Obj) => boolean | 'failed';
  /** Writes a kubeconfig for this server to `file` (token auth, plain HTTP). */
  kubeconfig(context?: string): string;
  close(): Promise<void>;
}

const key = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;

function statusOf(o: Obj, ready: boolean | 'failed', objects: Map<string, Obj>): Obj | undefined {
  const generation = o.metadata.generation as number;
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
    // What the HPA controller does: a workload it targets runs at least its minReplicas.
    const hpa = [...objects.values()].find(
      (x) =>
        x.kind === 'HorizontalPodAutoscaler' &&
        x.metadata.namespace === o.metadata.namespace &&
        x.spec?.scaleTargetRef?.name === o.metadata.name,
    );
    const replicas = Math.max(
      (o.spec?.replicas as number | undefined) ?? 1,
      (hpa?.spec?.minReplicas as number | undefined) ?? 1,
    );
    const n = ready === true ? replicas : 0;
    return {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: n,
      availableReplicas: n,
      ...(o.kind === 'StatefulSet' && { currentReplicas: replicas }),
    };
  }
  if (o.kind === 'Job') {
    if (ready === 'failed')
      return {
        failed: 11,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      };
    return ready
      ? { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }
      : { active: 1 };
  }
  return undefined;
}

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const token = `t-${Math.random().toString(36).slice(2)}`;
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Obj>();
  let version = 1000;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const status = (res: ServerResponse, code: number, reason: string, message: string) =>
    send(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });

  const api: FakeKubeApi = {
    url: '',
    token,
    requests,
    objects,
    ready: () => true,
    kubeconfig(context = 'fake') {
      return [
        'apiVersion: v1',
        'kind: Config',
        `current-context: ${context}`,
        'clusters:',
        `- name: fake`,
        `  cluster: {server: "${api.url}", insecure-skip-tls-verify: true}`,
        'users:',
        `- name: fake`,
        `  user: {token: "${token}"}`,
        'contexts:',
        `- name: ${context}`,
        '  context: {cluster: fake, user: fake}',
        '',
      ].join('\n');
    },
    close: () => new Promise((r) => server.close(() => r())),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const contentType = req.headers['content-type'];
    const body = text ? parseYaml(text) : undefined;
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      contentType,
      body,
    });
    if (req.headers.authorization !== `Bearer ${token}`)
      return status(res, 401, 'Unauthorized', 'Unauthorized');

    const p = url.pathname.split('/').filter(Boolean);
    // Discovery.
    if (req.method === 'GET' && p.join('/') === 'api')
      return send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    const gv = p[0] === 'api' ? p[1] : p[0] === 'apis' ? `${p[1]}/${p[2]}` : undefined;
    const rest = p[0] === 'api' ? p.slice(2) : p.slice(3);
    const resources = gv ? GROUPS[gv] : undefined;
    if (!gv || !resources)
      return status(res, 404, 'NotFound', `the server could not find ${url.pathname}`);
    if (rest.length === 0 && req.method === 'GET')
      return send(res, 200, {
        kind: 'APIResourceList',
        groupVersion: gv,
        resources: resources.map((r) => ({
          name: r.plural,
          singularName: '',
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['get', 'patch', 'create', 'delete', 'list'],
        })),
      });
    // /namespaces/{name} or /namespaces/{ns}/{plural}/{name}
    let ns: string | undefined;
    let plural: string;
    let name: string;
    if (rest[0] === 'namespaces' && rest.length === 2) [plural, name] = ['namespaces', rest[1]!];
    else if (rest[0] === 'namespaces' && rest.length === 4)
      [ns, plural, name] = [rest[1]!, rest[2]!, rest[3]!];
    else if (rest.length === 2) [plural, name] = [rest[0]!, rest[1]!];
    else return status(res, 404, 'NotFound', `no route ${url.pathname}`);
    const resource = resources.find((r) => r.plural === plural);
    if (!resource) return status(res, 404, 'NotFound', `no resource ${plural} in ${gv}`);
    const k = key(resource.kind, ns, name);
    const stored = objects.get(k);

    if (req.method === 'GET') {
      if (!stored) return status(res, 404, 'NotFound', `${plural} "${name}" not found`);
      const s = statusOf(stored, api.ready(stored), objects);
      return send(res, 200, s ? { ...stored, status: s } : stored);
    }
    if (req.method === 'PATCH') {
      if (contentType !== 'application/apply-patch+yaml')
        return status(res, 415, 'UnsupportedMediaType', `unsupported patch type ${contentType}`);
      if (!url.searchParams.get('fieldManager'))
        return status(res, 400, 'BadRequest', 'fieldManager is required for apply requests');
      const o = body as Obj;
      if (o?.kind !== resource.kind || o.metadata?.name !== name)
        return status(res, 400, 'BadRequest', 'the object does not match the path');
      const { metadata, status: _ignored, ...content } = o;
      const was = stored && JSON.stringify({ ...stored, metadata: undefined, status: undefined });
      const now = JSON.stringify({ ...content, metadata: undefined, status: undefined });
      const labelsChanged =
        stored &&
        JSON.stringify(stored.metadata.labels ?? {}) !== JSON.stringify(metadata.labels ?? {});
      const changed = !stored || was !== now || labelsChanged;
      const next: Obj = {
        ...content,
        metadata: {
          ...metadata,
          ...(ns && { namespace: ns }),
          resourceVersion: changed ? String(++version) : stored!.metadata.resourceVersion,
          generation: !stored ? 1 : (stored.metadata.generation as number) + (was !== now ? 1 : 0),
        },
      };
      if (url.searchParams.get('dryRun') !== 'All') objects.set(k, next);
      return send(res, stored ? 200 : 201, next);
    }
    return status(res, 405, 'MethodNotAllowed', `${req.method} is not served here`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => status(res, 500, 'InternalError', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  (api as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
