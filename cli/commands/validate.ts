import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { UserError } from '../lib/errors.js';
import { ExitCode } from '../lib/exit-codes.js';
import { resolveHome } from '../lib/runtime/local/paths.js';
import { trapSignals } from '../lib/signals.js';
import { PHASES, type Phase } from '../lib/validate/checks.js';
import { CHECKS } from '../lib/validate/registry.js';
import { renderValidate } from '../lib/validate/render.js';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  runValidate,
  selectChecks,
  type ValidateResult,
} from '../lib/validate/run-validate.js';

export default class Validate extends BaseCommand {
  static override summary =
    'Validate the platform: contract, workloads, network, observability, live.';

  static override description = `Runs the validation suite (SUITES.md: 45 checks, V001-V045) in three phases:
S static: derived from services/catalog.ts, the services' config schemas, the local runtime's env builder and the Kubernetes manifests committed under manifests/ (alphintra manifests renders them); runs anywhere, no platform needed (CI).
L live: against the platform started with \`alphintra up --detach\`, found through ALPHINTRA_HOME/state.json; skipped, with the reason, when none runs.
K kubernetes: skipped on the local target.
A check whose subject does not exist yet (no schema validator, no mesh, no dashboards) is listed as "not built", with what is missing: never run, never counted as passed. A check that covers only part of what SUITES.md asks says which part.
Exit codes: 0 no selected check failed, 1 a check failed or the run was interrupted, 2 usage, 3 a precondition (an unreadable state.json).`;

  static override examples = [
    { description: 'Every check', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'The static checks only, as JSON (CI, no platform)',
      command: '<%= config.bin %> <%= command.id %> --phase S --json',
    },
    {
      description: 'One check by id, or checks by a word of their title',
      command: '<%= config.bin %> <%= command.id %> --grep V037',
    },
  ];

  static override flags = {
    phase: Flags.string({
      description: 'Only this phase (repeatable): S static, L live, K kubernetes.',
      options: [...PHASES],
      multiple: true,
      helpValue: 'PHASE',
    }),
    grep: Flags.string({
      description: 'Only checks whose id or title contains this (case-insensitive).',
      helpValue: 'TEXT',
    }),
    timeout: Flags.integer({
      description: 'Seconds each check may take (some allow themselves more).',
      default: DEFAULT_CHECK_TIMEOUT_MS / 1000,
      min: 1,
      helpValue: 'SECONDS',
    }),
    concurrency: Flags.integer({
      description: 'Checks run at once.',
      default: DEFAULT_CONCURRENCY,
      min: 1,
      max: 32,
      helpValue: 'N',
    }),
  };

  async run(): Promise<ValidateResult> {
    const { flags } = await this.parse(Validate);
    const phases = (flags.phase ?? []) as Phase[];
    if (selectChecks(CHECKS, { phases, grep: flags.grep }).length === 0) {
      throw new UserError('ALP_VALIDATE_NOTHING_SELECTED', 'no check matches the selection', {
        exit: 'usage',
        suggestions: [
          `phases: ${PHASES.join(', ')} (SUITES.md puts none of its 45 checks in K)`,
          'ids: V001-V045 (see alphintra validate --help)',
        ],
      });
    }
    const trap = trapSignals();
    const result = await runValidate({
      paths: resolveHome(),
      checks: CHECKS,
      command: ['alphintra', this.commandName, ...this.argv].join(' '),
      phases,
      grep: flags.grep,
      timeoutMs: flags.timeout * 1000,
      concurrency: flags.concurrency,
      progress: (line) => this.note(line),
      signal: trap.signal,
    }).finally(() => trap.release());
    this.log(renderValidate(result, this.colour));
    if (!result.passed) process.exitCode = ExitCode.failed;
    return result;
  }
}
