import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { connectCluster } from '../lib/deploy/cluster.js';
import { runDeploy, type DeployResult } from '../lib/deploy/run-deploy.js';
import { ExitCode } from '../lib/exit-codes.js';
import { packageVersion } from '../lib/manifests/version.js';

export default class Deploy extends BaseCommand {
  static override summary = 'Deploy the platform to a Kubernetes cluster (server-side apply).';

  static override description = `Renders the manifests from the catalog (what \`alphintra manifests\` writes), fills their Secrets and applies everything with server-side apply (field manager "alphintra") to the cluster the kubeconfig names, in the namespace "alphintra":
  1. the namespace and its NetworkPolicies, the Secrets, PostgreSQL and Redis;
  2. a Job that creates each service's role and database (each service applies its own migrations before it answers ready);
  3. the ten services, then waits until every workload is ready (--no-wait: apply and return).
Credentials (database passwords, the service-credential master, the JWT signing key) are generated on the first deploy and kept in the cluster (Secret alphintra-deploy-credentials); later deploys reuse them and change only what differs.
Images: ghcr.io/alphintra/platform:<version>, postgres and redis under the same registry; --registry names another one the cluster can pull from. --target k3d on \`alphintra up\` builds and imports them for a local cluster.
Exit codes: 0 deployed (and ready), 1 a workload not ready in time or the database Job failed, 3 no cluster, kubeconfig or permission.`;

  static override examples = [
    {
      description: 'Deploy to the current kubectl context and wait until ready',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Another context, images from your registry',
      command:
        '<%= config.bin %> <%= command.id %> --context prod --registry registry.example.com/alphintra --version 1.4.0',
    },
    {
      description: 'Validate every object on the server, change nothing',
      command: '<%= config.bin %> <%= command.id %> --dry-run --json',
    },
    {
      description: 'With the Istio mesh and the Prometheus Operator resources',
      command: '<%= config.bin %> <%= command.id %> --mesh --monitoring',
    },
  ];

  static override flags = {
    kubeconfig: Flags.string({
      description: 'Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).',
      helpValue: 'FILE',
    }),
    context: Flags.string({
      description: 'Kubeconfig context (default: its current one).',
      helpValue: 'NAME',
    }),
    version: Flags.string({
      description: 'Tag of the platform image (default: the package version).',
      helpValue: 'TAG',
    }),
    registry: Flags.string({
      description: 'Registry path replacing ghcr.io/alphintra in every image.',
      helpValue: 'REGISTRY',
    }),
    mesh: Flags.boolean({ description: 'Also apply the Istio resources (manifests/mesh).' }),
    monitoring: Flags.boolean({
      description:
        'Also apply the Prometheus Operator and Grafana resources (manifests/monitoring).',
    }),
    'dry-run': Flags.boolean({
      description: 'Server-side dry run: the API server validates every object; nothing is stored.',
    }),
    wait: Flags.boolean({
      description: 'Wait for PostgreSQL, the database Job and every workload to be ready.',
      default: true,
      allowNo: true,
    }),
    timeout: Flags.integer({
      description: 'Seconds to wait for readiness.',
      default: 600,
      min: 1,
      helpValue: 'SECONDS',
    }),
  };

  async run(): Promise<DeployResult> {
    const { flags } = await this.parse(Deploy);
    const cluster = await connectCluster({
      ...(flags.kubeconfig !== undefined && { kubeconfig: flags.kubeconfig }),
      ...(flags.context !== undefined && { context: flags.context }),
    });
    this.note(
      `deploying to ${cluster.context} (${cluster.server})${flags['dry-run'] ? ', dry run' : ''}`,
    );
    const result = await runDeploy({
      cluster,
      version: flags.version ?? packageVersion(),
      ...(flags.registry !== undefined && { registry: flags.registry }),
      mesh: flags.mesh,
      monitoring: flags.monitoring,
      dryRun: flags['dry-run'],
      wait: flags.wait,
      timeoutMs: flags.timeout * 1000,
      onProgress: (line) => this.note(line),
    });
    const c = result.counts;
    const counts = `${c.created} created, ${c.configured} configured, ${c.unchanged} unchanged${
      c['not validated'] > 0
        ? `, ${c['not validated']} not validated (the namespace does not exist yet)`
        : ''
    }`;
    if (result.dryRun) this.log(`dry run against ${result.server}: ${counts}; nothing was stored`);
    else if (result.ready)
      this.log(
        `deployed to ${result.context} in ${result.seconds} s: ${counts}; ${result.workloads.length} workloads ready in namespace ${result.namespace}`,
      );
    else this.log(`applied to ${result.context}: ${counts} (not waiting for readiness)`);
    if (result.dryRun || !flags.wait || result.ready) return result;
    process.exitCode = ExitCode.failed;
    return result;
  }
}
