import type { RequestOptions } from 'node:https';
import { ExternalError, UserError } from '../errors.js';
import type { KubeObject } from '../manifests/kube.js';

/** The fieldManager of every apply: the fields alphintra sets are owned by this name. */
export const FIELD_MANAGER = 'alphintra';

/** An object as the API server returns it. */
export type LiveObject = KubeObject & {
  readonly metadata: KubeObject['metadata'] & {
    readonly resourceVersion?: string;
    readonly generation?: number;
  };
  readonly status?: Record<string, unknown>;
  readonly data?: Record<string, string>;
};

export type ApplyAction = 'created' | 'configured' | 'unchanged';

/** The little of a cluster `deploy` needs, over @kubernetes/client-node. */
export interface Cluster {
  /** The API server's URL and the kubeconfig context used. */
  readonly server: string;
  readonly context: string;
  read(object: KubeObject): Promise<LiveObject | undefined>;
  /** Server-side apply (field manager `alphintra`, conflicts forced); `dryRun`: validated, not stored. */
  apply(object: KubeObject, dryRun: boolean): Promise<{ action: ApplyAction; live: LiveObject }>;
}

export interface ConnectOptions {
  /** A kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster). */
  readonly kubeconfig?: string;
  readonly context?: string;
}

const name = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;

/** What went wrong talking to the API server, as an error the user can act on. */
function clusterError(err: unknown, server: string, object: KubeObject): Error {
  const e = err as { code?: number; body?: unknown; message?: string; cause?: { code?: string } };
  const status = typeof e.code === 'number' ? e.code : undefined;
  const body = typeof e.body === 'string' ? safeJson(e.body) : e.body;
  const reason = (body as { message?: string } | undefined)?.message ?? e.message ?? String(err);
  if (status === 401 || status === 403)
    return new ExternalError('ALP_KUBE_FORBIDDEN', `${name(object)}: ${reason}`, {
      target: server,
      status,
      exit: 'precondition',
      suggestions: [
        'the kubeconfig user must be allowed to get and patch these objects in the alphintra namespace (and create the namespace)',
      ],
      cause: err,
    });
  if (status === undefined && /Unrecognized API version and kind|not found/i.test(reason))
    return new ExternalError(
      'ALP_KUBE_KIND_MISSING',
      `the cluster does not serve ${object.apiVersion} ${object.kind}`,
      {
        target: server,
        exit: 'precondition',
        suggestions: [
          object.apiVersion.includes('istio')
            ? 'install Istio first, or deploy without --mesh'
            : object.apiVersion.includes('monitoring.coreos.com')
              ? 'install the Prometheus Operator first, or deploy without --monitoring'
              : 'use a cluster of Kubernetes 1.30 or newer',
        ],
        cause: err,
      },
    );
  if (status === undefined)
    return new ExternalError('ALP_KUBE_UNREACHABLE', `cannot reach the Kubernetes API: ${reason}`, {
      target: server,
      exit: 'precondition',
      suggestions: [
        'check the cluster is running and the kubeconfig context points at it (kubectl cluster-info)',
      ],
      cause: err,
    });
  return new ExternalError('ALP_KUBE_REFUSED', `${name(object)}: ${reason}`, {
    target: server,
    status,
    cause: err,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** One request to the API server (auth and TLS from the kubeconfig); the body as JSON. */
type Request = (
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
) => Promise<HttpAnswer>;

/** Where the API serves a kind: its plural and whether it is namespaced (from discovery). */
interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * Connects to the cluster the kubeconfig names. @kubernetes/client-node reads the kubeconfig
 * (contexts, certificates, tokens, exec plugins) and signs each request; the requests
 * themselves are made here, with the objects sent exactly as rendered: the library's typed
 * serializer drops fields it maps under other names (a NetworkPolicy's ingress `from` came
 * out empty), which for a NetworkPolicy would silently open or close traffic. The library is
 * loaded here: only `deploy` needs it, and it is large.
 */
export async function connectCluster(opts: ConnectOptions): Promise<Cluster> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (cause) {
    throw new UserError(
      'ALP_KUBECONFIG_INVALID',
      `cannot read the kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''}: ${(cause as Error).message}`,
      { suggestions: ['pass --kubeconfig FILE, or set KUBECONFIG'], cause },
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context))
      throw new UserError(
        'ALP_KUBE_CONTEXT_UNKNOWN',
        `no context "${opts.context}" in the kubeconfig`,
        {
          suggestions: [
            `known contexts: ${
              kc
                .getContexts()
                .map((c) => c.name)
                .join(', ') || 'none'
            }`,
          ],
          exit: 'usage',
        },
      );
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new UserError('ALP_KUBECONFIG_INVALID', 'the kubeconfig names no cluster to deploy to', {
      suggestions: ['pass --kubeconfig FILE or --context NAME (kubectl config get-contexts)'],
    });
  const server = cluster.server.replace(/\/+$/, '');
  const base = new URL(server);
  const transport =
    base.protocol === 'https:' ? await import('node:https') : await import('node:http');

  const request: Request = async (method, path, body, contentType) => {
    const options: RequestOptions = {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': contentType ?? 'application/json' }),
      },
      timeout: 30_000,
    };
    await kc.applyToHTTPSOptions(options);
    const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: raw ? safeJson(raw) : undefined });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${server} in 30 s`)));
      req.on('error', reject);
      req.end(text);
    });
  };

  const call = async (
    object: KubeObject,
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<HttpAnswer> => {
    try {
      return await request(method, path, body, contentType);
    } catch (err) {
      throw clusterError(err, server, object);
    }
  };

  const discovered = new Map<string, Promise<Map<string, ResourceInfo>>>();
  const resourceOf = async (object: KubeObject): Promise<ResourceInfo> => {
    const gv = object.apiVersion;
    let kinds = discovered.get(gv);
    if (!kinds) {
      kinds = (async () => {
        const answer = await call(object, 'GET', gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`);
        const m = new Map<string, ResourceInfo>();
        // 404: the cluster does not serve this group/version at all (an Istio CRD missing).
        if (answer.status === 404) return m;
        if (answer.status !== 200) throw apiError(answer, server, object);
        const { resources = [] } = answer.body as {
          resources?: { name: string; kind: string; namespaced: boolean }[];
        };
        // Subresources (deployments/status) share the kind; only the resource itself counts.
        for (const r of resources)
          if (!r.name.includes('/')) m.set(r.kind, { plural: r.name, namespaced: r.namespaced });
        return m;
      })();
      kinds.catch(() => discovered.delete(gv));
      discovered.set(gv, kinds);
    }
    const info = (await kinds).get(object.kind);
    if (!info) throw clusterError(new Error('Unrecognized API version and kind'), server, object);
    return info;
  };
  const pathOf = async (object: KubeObject): Promise<string> => {
    const { plural, namespaced } = await resourceOf(object);
    const prefix = object.apiVersion.includes('/')
      ? `/apis/${object.apiVersion}`
      : `/api/${object.apiVersion}`;
    const ns = namespaced
      ? `/namespaces/${encodeURIComponent(object.metadata.namespace ?? 'default')}`
      : '';
    return `${prefix}${ns}/${plural}/${encodeURIComponent(object.metadata.name)}`;
  };

  const read = async (object: KubeObject): Promise<LiveObject | undefined> => {
    const answer = await call(object, 'GET', await pathOf(object));
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw apiError(answer, server, object);
    return answer.body as LiveObject;
  };

  return {
    server,
    context: kc.getCurrentContext(),
    read,
    async apply(object, dryRun) {
      const before = await read(object);
      const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: 'true' });
      if (dryRun) query.set('dryRun', 'All');
      const answer = await call(
        object,
        'PATCH',
        `${await pathOf(object)}?${query}`,
        object,
        'application/apply-patch+yaml',
      );
      if (answer.status !== 200 && answer.status !== 201) throw apiError(answer, server, object);
      const live = answer.body as LiveObject;
      const action: ApplyAction = !before
        ? 'created'
        : before.metadata.resourceVersion === live.metadata.resourceVersion
          ? 'unchanged'
          : 'configured';
      return { action, live };
    },
  };
}

/** An answer other than success, as an error (the API's Status message when it sent one). */
function apiError(answer: HttpAnswer, server: string, object: KubeObject): Error {
  return clusterError(
    Object.assign(new Error(`HTTP ${answer.status}`), { code: answer.status, body: answer.body }),
    server,
    object,
  );
}
