import type { Hook } from '@oclif/core';
import { toErrorReport, UserError } from '../lib/errors.js';
import { colourFor } from '../lib/output/colour.js';
import { errorEnvelope } from '../lib/output/envelope.js';
import { renderError } from '../lib/output/render-error.js';

/**
 * An unknown command is a usage error (exit 2) rendered like every other error: one JSON
 * envelope with --json, the usual text otherwise, with the known commands as suggestions.
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  const known = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.replace(/:/g, ' '));
  const id = opts.id.replace(/:/g, ' ');
  const err = new UserError('ALP_CLI_UNKNOWN_COMMAND', `unknown command "${id}"`, {
    exit: 'usage',
    suggestions: [`known commands: ${known.sort().join(', ')}`, 'see alphintra --help'],
  });
  const report = toErrorReport(err, false);
  if (opts.argv?.includes('--json'))
    process.stdout.write(`${JSON.stringify(errorEnvelope(id, report))}\n`);
  else process.stderr.write(`${renderError(report, colourFor(process.stderr))}\n`);
  this.exit(report.exitCode);
};

export default hook;
