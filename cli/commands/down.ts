import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { runDown, type DownResult } from '../lib/runtime/local/down.js';
import { resolveHome } from '../lib/runtime/local/paths.js';

export default class Down extends BaseCommand {
  static override summary =
    'Stop the local platform (services and embedded PostgreSQL); keep its data.';

  static override description = `Stops every service instance (SIGTERM, SIGKILL after the shutdown budget) and the embedded PostgreSQL.
That includes any service process of this home that state.json does not name (an \`up\` killed
between a spawn and its record): each carries --alphintra-home=<home> as its last argument.
Data, keys and logs in ALPHINTRA_HOME are kept unless --purge. Nothing running is not an error (exit 0).`;

  static override examples = [
    { description: 'Stop, keep data', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'Stop and delete ALPHINTRA_HOME (data, keys, logs)',
      command: '<%= config.bin %> <%= command.id %> --purge',
    },
  ];

  static override flags = {
    purge: Flags.boolean({
      description: 'Also delete ALPHINTRA_HOME: database data, keys and logs.',
      env: 'ALPHINTRA_PURGE',
    }),
  };

  async run(): Promise<DownResult> {
    const { flags } = await this.parse(Down);
    const result = await runDown(resolveHome(), { purge: flags.purge });
    if (!result.wasRunning) this.log(`Nothing was running in ${result.home}.`);
    else
      this.log(
        `Stopped ${result.stopped.length} instances${result.killed.length > 0 ? ` (killed after the budget: ${result.killed.join(', ')})` : ''}.`,
      );
    if (result.postgresStopped)
      this.log(`Stopped the embedded PostgreSQL${result.purged ? '' : ' (data kept)'}.`);
    if (result.purged) this.log(`Deleted ${result.home}.`);
    return result;
  }
}
