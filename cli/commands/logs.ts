import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { LEVEL_NAMES } from '../lib/runtime/local/log-format.js';
import { runLogs, type LogsResult } from '../lib/runtime/local/logs.js';
import { resolveHome } from '../lib/runtime/local/paths.js';

export default class Logs extends BaseCommand {
  static override summary =
    "Show the services' logs (every instance), merged by time, optionally following them.";

  static override description = `Reads ALPHINTRA_HOME/logs/<service>[-<i>].log. pino JSON lines are shown as "time LEVEL message key=value"; --raw prints them as written.
NAME is a service of the catalog, or postgres for the embedded PostgreSQL; several may be given. With none, every service's log is shown (PostgreSQL's only when named).
The last --lines of each instance are merged by time, each line prefixed with its instance when there is more than one; --follow then prints new lines as they are written.
--level keeps the lines at that level or above; lines a service printed outside its logger (a crash's stack trace) always show.`;

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
    {
      description: 'Warnings and errors of every service, merged by time',
      command: '<%= config.bin %> <%= command.id %> --level warn',
    },
    {
      description: 'Follow an order through the gateway, trading, risk and broker',
      command: '<%= config.bin %> <%= command.id %> gateway trading risk broker --follow',
    },
  ];

  static override strict = false;

  static override args = {
    name: Args.string({
      description: 'Service name, or postgres (repeatable; every service when none is given).',
    }),
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
    level: Flags.option({
      description: 'Only lines at this level or above.',
      options: LEVEL_NAMES,
    })(),
  };

  async run(): Promise<LogsResult> {
    const { argv, flags } = await this.parse(Logs);
    return runLogs(
      resolveHome(),
      argv as string[],
      { follow: flags.follow, lines: flags.lines, ...(flags.level && { level: flags.level }) },
      { json: this.jsonEnabled(), raw: flags.raw, colour: this.colour, print: (l) => this.log(l) },
    );
  }
}
