import { BaseCommand } from '../lib/base-command.js';
import { resolveHome } from '../lib/runtime/local/paths.js';
import { renderStatus } from '../lib/runtime/local/render-status.js';
import { getStatus, type PlatformStatus } from '../lib/runtime/local/status.js';

export default class Status extends BaseCommand {
  static override summary =
    'Show every service of the local platform: instances, URL, readiness, pid, uptime.';

  static override description = `Reads ALPHINTRA_HOME/state.json and probes each instance's GET /health/ready live.
Exits 0 whether or not the platform runs; with --json, "running" and "allReady" tell, and every service lists name, urls, ready and pids.`;

  static override examples = [
    { description: 'Table of services', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'Machine-readable status (CI)',
      command: '<%= config.bin %> <%= command.id %> --json',
    },
  ];

  async run(): Promise<PlatformStatus> {
    await this.parse(Status);
    const status = await getStatus(resolveHome());
    this.log(renderStatus(status, this.colour));
    return status;
  }
}
