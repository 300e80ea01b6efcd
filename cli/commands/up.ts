import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { upOnK3d, type K3dResult } from '../lib/deploy/k3d.js';
import { UserError } from '../lib/errors.js';
import { packageRoot } from '../../services/platform/package-root.js';
import { packageVersion } from '../lib/manifests/version.js';
import { runUp, type UpResult } from '../lib/runtime/local/run-up.js';

/** Flags that only mean something for the local runtime. */
const LOCAL_ONLY = [
  'scale',
  'port-base',
  'pg-port',
  'db-prefix',
  'service',
  'profile',
  'log-level',
] as const;

export default class Up extends BaseCommand {
  static override summary =
    'Start the platform locally: PostgreSQL, keys, databases and all ten services.';

  static override description = `Starts every service of the catalog as a child process, in dependency order, each gated on GET /health/ready.
PostgreSQL comes from DATABASE_URL (an admin URL) or, when unset, from the embedded PostgreSQL kept in ALPHINTRA_HOME/data/pg.
Redis comes from REDIS_URL; without it the gateway keeps rate-limit counters in process.
State, logs, data and keys live in ALPHINTRA_HOME (default ./.alphintra).

In the foreground (default) the services' logs are streamed until Ctrl-C, which stops everything.
With --detach the command returns once every service is ready; use status, logs and down afterwards.
Running up while the platform runs reports it and starts nothing.

--target k3d runs the platform on a local Kubernetes cluster instead (needs Docker and k3d): creates the k3d cluster (--cluster, default alphintra) when missing, builds the platform image from the Dockerfile, imports it with PostgreSQL's and Redis's, then deploys as \`alphintra deploy\` does and waits until every workload is ready (--ready-timeout, default 600 s there).`;

  static override examples = [
    {
      description: 'Start in the foreground and stream every log',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Start in the background and return when ready',
      command: '<%= config.bin %> <%= command.id %> --detach',
    },
    {
      description: 'Shift every port (gateway at 5000) and run three trading instances',
      command: '<%= config.bin %> <%= command.id %> --detach --port-base 5000 --scale trading=3',
    },
    {
      description: 'Use an existing PostgreSQL, with database names prefixed for sharing',
      command:
        'DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres <%= config.bin %> <%= command.id %> --detach --db-prefix ci_1',
    },
    {
      description: 'On a local Kubernetes cluster (k3d in Docker)',
      command: '<%= config.bin %> <%= command.id %> --target k3d',
    },
    {
      description: 'Show only the logs of trading and risk',
      command: '<%= config.bin %> <%= command.id %> --service trading --service risk',
    },
  ];

  static override flags = {
    target: Flags.string({
      description:
        'Where to run: local (processes on this machine) or k3d (a local Kubernetes cluster).',
      options: ['local', 'k3d'],
      default: 'local',
      env: 'ALPHINTRA_TARGET',
    }),
    cluster: Flags.string({
      description: 'With --target k3d: the k3d cluster to create or use.',
      default: 'alphintra',
      helpValue: 'NAME',
    }),
    detach: Flags.boolean({
      char: 'd',
      description: 'Return once every service is ready instead of streaming logs.',
      env: 'ALPHINTRA_DETACH',
    }),
    scale: Flags.string({
      description: 'Run N instances of a service (NAME=N, 1-10; repeatable or comma-separated).',
      env: 'ALPHINTRA_SCALE',
      multiple: true,
      helpValue: 'NAME=N',
    }),
    'port-base': Flags.string({
      description: 'Port of the gateway; every other port shifts with it (default 4000).',
      env: 'ALPHINTRA_PORT_BASE',
      helpValue: 'PORT',
    }),
    'pg-port': Flags.string({
      description: 'Port of the embedded PostgreSQL (default port base + 99).',
      env: 'ALPHINTRA_PG_PORT',
      helpValue: 'PORT',
    }),
    'db-prefix': Flags.string({
      description:
        'Prefix of database and role names, so platforms can share a server (default alphintra).',
      env: 'ALPHINTRA_DB_PREFIX',
      helpValue: 'PREFIX',
    }),
    'ready-timeout': Flags.string({
      description: 'Seconds each service may take to answer ready (default 30).',
      env: 'ALPHINTRA_READY_TIMEOUT',
      helpValue: 'SECONDS',
    }),
    profile: Flags.string({
      description: 'ALPHINTRA_PROFILE given to the services: dev, test or prod (default dev).',
      env: 'ALPHINTRA_PROFILE',
    }),
    'log-level': Flags.string({
      description: 'LOG_LEVEL given to the services (default info).',
      env: 'ALPHINTRA_LOG_LEVEL',
    }),
    service: Flags.string({
      description: 'Foreground only: stream the logs of these services only (repeatable).',
      multiple: true,
      helpValue: 'NAME',
    }),
  };

  async run(): Promise<UpResult | K3dResult> {
    const { flags } = await this.parse(Up);
    if (flags.target === 'k3d') {
      // From the command line only: the same settings in the environment are for `up` locally.
      const given = LOCAL_ONLY.filter((f) =>
        this.argv.some((a) => a === `--${f}` || a.startsWith(`--${f}=`)),
      );
      if (given.length > 0)
        throw new UserError(
          'ALP_CLI_FLAGS_CONFLICT',
          `--target k3d does not take ${given.map((f) => `--${f}`).join(', ')}`,
          { exit: 'usage', suggestions: ['these shape the local runtime only; drop them'] },
        );
      const seconds = flags['ready-timeout'] === undefined ? 600 : Number(flags['ready-timeout']);
      if (!Number.isInteger(seconds) || seconds < 1)
        throw new UserError('ALP_CLI_USAGE', '--ready-timeout must be a whole number of seconds', {
          exit: 'usage',
        });
      const result = await upOnK3d({
        cluster: flags.cluster,
        version: packageVersion(),
        context: packageRoot(),
        timeoutMs: seconds * 1000,
        onProgress: (line) => this.note(line),
      });
      this.log(
        `the platform runs on k3d cluster ${result.cluster} (${result.deploy.workloads.length} workloads ready); reach the gateway with: ${result.reach}`,
      );
      return result;
    }
    return runUp(
      {
        portBase: flags['port-base'],
        scale: flags.scale,
        dbPrefix: flags['db-prefix'],
        pgPort: flags['pg-port'],
        readyTimeout: flags['ready-timeout'],
        profile: flags.profile,
        logLevel: flags['log-level'],
        databaseUrl: process.env.DATABASE_URL,
        redisUrl: process.env.REDIS_URL,
        services: flags.service,
      },
      flags.detach,
      {
        json: this.jsonEnabled(),
        verbose: flags.verbose,
        tty: process.stderr.isTTY === true,
        colour: this.colour,
        colourErr: this.colourErr,
        env: process.env,
      },
    );
  }
}
