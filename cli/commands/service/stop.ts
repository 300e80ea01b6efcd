import { Args } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import { resolveHome } from '../../lib/runtime/local/paths.js';
import { stopService, type ServiceControlResult } from '../../lib/runtime/local/service-control.js';

export default class ServiceStop extends BaseCommand {
  static override summary = 'Stop every instance of one service of the running platform.';

  static override description = `Sends SIGTERM (SIGKILL after the shutdown budget) to each instance of the service and records it as stopped.
The rest of the platform keeps running; bring the service back with "service start". Used by resilience tests.`;

  static override examples = [
    {
      description: 'Take the risk service down',
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
    const { args } = await this.parse(ServiceStop);
    const result = await stopService(resolveHome(), args.name);
    this.log(
      result.instances.length > 0
        ? `Stopped ${result.instances.join(', ')}.`
        : `${result.service} was not running (${result.unchanged.join(', ')}).`,
    );
    return result;
  }
}
