import { execa } from 'execa';
import { ExternalError, UserError } from '../errors.js';
import { DATA_IMAGES, REGISTRY, platformImage } from '../manifests/render.js';
import { connectCluster } from './cluster.js';
import { runDeploy, type DeployResult } from './run-deploy.js';

export interface K3dOptions {
  /** The k3d cluster (created when missing). */
  readonly cluster: string;
  /** Tag of the platform image built here. */
  readonly version: string;
  /** Where the Dockerfile is (the package root). */
  readonly context: string;
  readonly timeoutMs: number;
  readonly onProgress?: (line: string) => void;
}

export interface K3dResult {
  readonly target: 'k3d';
  readonly cluster: string;
  readonly created: boolean;
  readonly kubeconfig: string;
  /** Images built or pulled here and imported into the cluster's nodes. */
  readonly images: string[];
  readonly deploy: DeployResult;
  /** How to reach the gateway from this machine. */
  readonly reach: string;
}

const tail = (text: string) => text.split('\n').filter(Boolean).slice(-15);

async function tool(cmd: string, args: readonly string[], what: string): Promise<string> {
  try {
    const r = await execa(cmd, args, { all: true, timeout: 30 * 60_000 });
    return r.stdout;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; all?: string };
    if (e.code === 'ENOENT') throw missing(cmd);
    throw new ExternalError('ALP_K3D_STEP_FAILED', `${what} failed`, {
      target: `${cmd} ${args.join(' ')}`,
      ...(e.exitCode !== undefined && { status: e.exitCode }),
      outputTail: tail(e.all ?? ''),
      cause: err,
    });
  }
}

function missing(cmd: string): UserError {
  return new UserError('ALP_K3D_MISSING', `--target k3d needs ${cmd}, which is not on PATH`, {
    suggestions: [
      cmd === 'k3d'
        ? 'install k3d (https://k3d.io): curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash'
        : 'install Docker and start its daemon (k3d runs Kubernetes in Docker containers)',
      'or deploy to a cluster you already have: alphintra deploy --context NAME',
      'or run the platform on this machine without a cluster: alphintra up',
    ],
  });
}

/**
 * `alphintra up --target k3d`: a local Kubernetes cluster in Docker with the platform on it.
 * Creates the k3d cluster when it does not exist, builds the platform image from the
 * Dockerfile, pulls PostgreSQL's and Redis's images under the names the manifests use,
 * imports them into the cluster's nodes (no registry needed), then runs `deploy` against the
 * cluster's kubeconfig and waits until every workload is ready.
 */
export async function upOnK3d(opts: K3dOptions): Promise<K3dResult> {
  const say = (line: string) => opts.onProgress?.(line);
  await tool('k3d', ['version'], 'k3d version');
  await tool(
    'docker',
    ['info', '--format', '{{.ServerVersion}}'],
    'docker info (is the Docker daemon running?)',
  );

  const clusters = JSON.parse(
    (await tool('k3d', ['cluster', 'list', '-o', 'json'], 'k3d cluster list')) || '[]',
  ) as { name: string }[];
  const created = !clusters.some((c) => c.name === opts.cluster);
  if (created) {
    say(`k3d: creating cluster ${opts.cluster}`);
    await tool(
      'k3d',
      ['cluster', 'create', opts.cluster, '--wait', '--timeout', '180s'],
      `creating the k3d cluster ${opts.cluster}`,
    );
  } else say(`k3d: cluster ${opts.cluster} exists`);

  const platform = platformImage(opts.version);
  say(`docker: building ${platform}`);
  await tool('docker', ['build', '-t', platform, opts.context], `building ${platform}`);
  const images = [platform];
  for (const upstream of Object.values(DATA_IMAGES)) {
    const local = `${REGISTRY}/${upstream}`;
    say(`docker: pulling ${upstream} as ${local}`);
    await tool('docker', ['pull', upstream], `pulling ${upstream}`);
    await tool('docker', ['tag', upstream, local], `tagging ${upstream}`);
    images.push(local);
  }
  say(`k3d: importing ${images.length} images into ${opts.cluster}`);
  await tool('k3d', ['image', 'import', '-c', opts.cluster, ...images], 'importing the images');

  const kubeconfig = (
    await tool('k3d', ['kubeconfig', 'write', opts.cluster], 'writing the kubeconfig')
  ).trim();
  const cluster = await connectCluster({ kubeconfig });
  const deploy = await runDeploy({
    cluster,
    version: opts.version,
    timeoutMs: opts.timeoutMs,
    ...(opts.onProgress && { onProgress: opts.onProgress }),
  });
  return {
    target: 'k3d',
    cluster: opts.cluster,
    created,
    kubeconfig,
    images,
    deploy,
    reach: `KUBECONFIG=${kubeconfig} kubectl -n alphintra port-forward svc/gateway 4000:4000`,
  };
}
