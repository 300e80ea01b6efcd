import { Args } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import { resolveHome } from '../../lib/runtime/local/paths.js';
import {
  startService,
  type ServiceControlResult,
} from '../../lib/runtime/local/service-control.js';

export default class ServiceStart extends BaseCommand {
  static override summary =
    'Start the stopped instances of one service and wait until they are ready.';

  static override description = `Starts each stopped instance of the service with the same port and environment "up" gave it,
waits for GET /health/ready (the budget of "up"), and counts a restart. Instances already running are left alone.`;

  static override examples = [
    {
      description: 'Bring the risk service back',
      command: '<%= config.bin %> <%= command.id %> risk',
    },
    {
      description: 'Same, machine-readable',
      command: '<%= config.bin %> <%= command.id %> risk --json',
    },
  ];

  static override args = {
    name: Args.string({ description: 'Service name from the catalog.', required: true }),
  };

  async run(): Promise<ServiceControlResult> {
    const { args } = await this.parse(ServiceStart);
    const result = await startService(resolveHome(), args.name, process.env);
    this.log(
      result.instances.length > 0
        ? `Started ${result.instances.join(', ')} (pid ${result.pids.join(', ')}); ready.`
        : `${result.service} is already running (${result.unchanged.join(', ')}).`,
    );
    return result;
  }
}
