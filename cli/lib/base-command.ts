import { Command, Flags } from '@oclif/core';
import type { ChalkInstance } from 'chalk';
import { isOclifExit, toErrorReport } from './errors.js';
import { colourFor } from './output/colour.js';
import { errorEnvelope, successEnvelope } from './output/envelope.js';
import { renderError } from './output/render-error.js';

/**
 * Base of every alphintra command: `--json` (one versioned envelope, nothing else on
 * stdout), `--verbose`, the colour rules, and the one place where errors are rendered and
 * turned into exit codes. Commands stay thin: parse, call one cli/lib function, return a
 * typed result.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    verbose: Flags.boolean({
      description: 'Show more detail: stacks of internal errors, extra progress lines.',
      env: 'ALPHINTRA_VERBOSE',
      helpGroup: 'GLOBAL',
    }),
  };

  /** Colours for stdout, following NO_COLOR / FORCE_COLOR / TTY. */
  protected get colour(): ChalkInstance {
    return colourFor(process.stdout);
  }

  /** Colours for stderr (progress and errors go there). */
  protected get colourErr(): ChalkInstance {
    return colourFor(process.stderr);
  }

  /** Read before parsing succeeded too, so that a parse error can still honour it. */
  protected get verbose(): boolean {
    const env = process.env.ALPHINTRA_VERBOSE;
    return this.argv.includes('--verbose') || env === '1' || env === 'true';
  }

  /** Human progress goes to stderr so stdout stays parseable even without --json. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${message}\n`);
  }

  /** The command as a user types it (`service stop`, not oclif's `service:stop`). */
  protected get commandName(): string {
    return (this.id ?? 'alphintra').replace(/:/g, ' ');
  }

  override logJson(json: unknown): void {
    // One line, never colourised: machines read it, NDJSON tools can split on newlines.
    process.stdout.write(`${JSON.stringify(json)}\n`);
  }

  protected override toSuccessJson(result: unknown): unknown {
    return successEnvelope(this.commandName, result);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isOclifExit(err)) throw err;
    const report = toErrorReport(err, this.verbose);
    if (this.jsonEnabled()) this.logJson(errorEnvelope(this.commandName, report));
    else process.stderr.write(`${renderError(report, this.colourErr)}\n`);
    // Throws oclif's ExitError, which execute() turns into process.exit(code) without
    // printing anything more: the rendering above is the only output.
    return this.exit(report.exitCode);
  }
}
