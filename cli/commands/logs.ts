import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { runLogs, type LogsResult } from '../lib/runtime/local/logs.js';
import { resolveHome } from '../lib/runtime/local/paths.js';

export default class Logs extends BaseCommand {
  static override summary = "Show a service's logs (every instance), optionally following them.";

  static override description = `Reads ALPHINTRA_HOME/logs/<service>[-<i>].log. pino JSON lines are shown as "time LEVEL message key=value"; --raw prints them as written.
NAME is a service of the catalog, or postgres for the embedded PostgreSQL.`;

  static override examples = [
    {
      description: 'Last 50 lines of trading',
      command: '<%= config.bin %> <%= command.id %> trading',
    },
    {
      description: 'Follow the gateway until Ctrl-C',
      command: '<%= config.bin %> <%= command.id %> gateway --follow',
    },
    {
      description: 'Last 200 raw JSON lines of auth',
      command: '<%= config.bin %> <%= command.id %> auth --lines 200 --raw',
    },
  ];

  static override args = {
    name: Args.string({ description: 'Service name (or postgres).', required: true }),
  };

  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'Keep printing new lines until Ctrl-C.' }),
    lines: Flags.integer({
      char: 'n',
      description: 'How many of the last lines to show first.',
      default: 50,
      min: 0,
    }),
    raw: Flags.boolean({ description: 'Print lines exactly as the service wrote them.' }),
  };

  async run(): Promise<LogsResult> {
    const { args, flags } = await this.parse(Logs);
    return runLogs(
      resolveHome(),
      args.name,
      { follow: flags.follow, lines: flags.lines },
      { json: this.jsonEnabled(), raw: flags.raw, colour: this.colour, print: (l) => this.log(l) },
    );
  }
}
