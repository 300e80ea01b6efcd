import { setTimeout as sleep } from 'node:timers/promises';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { UserError } from '../lib/errors.js';
import { readerGone } from '../lib/output/broken-pipe.js';
import { resolveHome } from '../lib/runtime/local/paths.js';
import { renderStatus } from '../lib/runtime/local/render-status.js';
import { getStatus, type PlatformStatus } from '../lib/runtime/local/status.js';
import { trapSignals } from '../lib/signals.js';

export default class Status extends BaseCommand {
  static override summary =
    'Show every service of the local platform: instances, URL, readiness, pid, uptime, event backlog.';

  static override description = `Reads ALPHINTRA_HOME/state.json and probes each instance's GET /health/ready live.
Also shows what discovery has registered and the event bus: deliveries waiting for a consumer (per queue, with the oldest wait) and dead letters.
Exits 0 whether or not the platform runs; with --json, "running" and "allReady" tell, every service lists name, urls, ready and pids, and "events" holds the bus's queues.
--watch shows it again every --interval seconds (on a terminal, in place) until Ctrl-C, which ends it with exit 0.`;

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
    {
      description: 'Keep watching readiness, CPU and memory during a bench, every 5 s',
      command: '<%= config.bin %> <%= command.id %> --watch --interval 5',
    },
  ];

  static override flags = {
    watch: Flags.boolean({
      char: 'w',
      description: 'Show the status again every --interval seconds until Ctrl-C.',
    }),
    interval: Flags.integer({
      description: 'Seconds between two --watch updates.',
      default: 2,
      min: 1,
      max: 3600,
      helpValue: 'SECONDS',
    }),
  };

  async run(): Promise<PlatformStatus> {
    const { flags } = await this.parse(Status);
    if (!flags.watch) {
      const status = await getStatus(resolveHome());
      this.log(renderStatus(status, this.colour));
      return status;
    }
    if (this.jsonEnabled()) {
      throw new UserError('ALP_CLI_FLAGS_CONFLICT', '--watch cannot be combined with --json', {
        exit: 'usage',
        suggestions: ['poll `alphintra status --json` instead'],
      });
    }
    return this.watch(flags.interval);
  }

  /** Renders the status every `intervalS` until a stop signal or the reader is gone. */
  private async watch(intervalS: number): Promise<PlatformStatus> {
    const trap = trapSignals();
    const stopped = AbortSignal.any([trap.signal, readerGone(process.stdout)]);
    // On a terminal each update replaces the last (cursor home, clear screen); piped, they follow.
    const clear = process.stdout.isTTY ? '\u001b[H\u001b[2J' : '';
    try {
      for (;;) {
        const status = await getStatus(resolveHome());
        const when = new Date().toISOString().slice(11, 19);
        process.stdout.write(
          `${clear}${renderStatus(status, this.colour)}\n${this.colour.dim(`${when} UTC, every ${intervalS} s; Ctrl-C to stop`)}\n\n`,
        );
        const more = await sleep(intervalS * 1000, true, { signal: stopped }).catch(() => false);
        if (!more) return status;
      }
    } finally {
      trap.release();
    }
  }
}
