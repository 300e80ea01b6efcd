import { BaseCommand } from '../lib/base-command.js';
import { resolveHome } from '../lib/runtime/local/paths.js';
import { renderStatus } from '../lib/runtime/local/render-status.js';
import { getStatus, type PlatformStatus } from '../lib/runtime/local/status.js';

export default class Status extends BaseCommand {
  static override summary =
    'Show every service of the local platform: instances, URL, readiness, pid, uptime, event backlog.';

  static override description = `Reads ALPHINTRA_HOME/state.json and probes each instance's GET /health/ready live.
Also shows what discovery has registered and the event bus: deliveries waiting for a consumer (per queue, with the oldest wait) and dead letters.
Exits 0 whether or not the platform runs; with --json, "running" and "allReady" tell, every service lists name, urls, ready and pids, and "events" holds the bus's queues.`;

  static override examples = [
    { description: 'Table of services', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'Machine-readable status (CI)',
      command: '<%= config.bin %> <%= command.id %> --json',
    },
    {
      description: 'Are events piling up or dead-lettered?',
      command: "<%= config.bin %> <%= command.id %> --json | jq '.data.events'",
    },
  ];

  async run(): Promise<PlatformStatus> {
    await this.parse(Status);
    const status = await getStatus(resolveHome());
    this.log(renderStatus(status, this.colour));
    return status;
  }
}
