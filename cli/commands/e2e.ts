import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { UserError } from '../lib/errors.js';
import { ExitCode } from '../lib/exit-codes.js';
import { SUITE } from '../lib/e2e/registry.js';
import { renderE2e } from '../lib/e2e/render.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_TEST_TIMEOUT_MS,
  runE2e,
  selectTests,
  type E2eResult,
} from '../lib/e2e/run-e2e.js';
import { AREAS, type Area } from '../lib/e2e/suite.js';
import { resolveHome } from '../lib/runtime/local/paths.js';
import { trapSignals } from '../lib/signals.js';

export default class E2e extends BaseCommand {
  static override summary = 'Run the end-to-end suite against the running platform.';

  static override description = `Runs the suite's tests (SUITES.md: 67, E01-E67, in ${AREAS.length} areas) against the platform started with \`alphintra up --detach\`, found through ALPHINTRA_HOME/state.json.
Every test goes through the gateway as a real client, with users of its own (registered and logged in through the gateway), from a client address of its own in 127.0.0.0/8 so that per-address limits never carry over between tests. A test that needs an admin gets one the way the first admin of a platform is made: a registered user whose admin token is signed with the platform's key (ALPHINTRA_HOME/keys), which then grants roles through the API.
Tests that change the platform for everyone (stop or kill a service, turn the global kill switch on) run alone, after the others, and put it back; --no-disruptive leaves them out. Tests that watch one request's hops in the logs also run alone.
A test SUITES.md asks for whose feature the platform does not have is listed as "not built", with what is missing: never run, never counted as passed.
Exit codes: 0 every selected test that is built passed, 1 a test failed or the run was interrupted, 2 usage, 3 no running platform.`;

  static override examples = [
    { description: 'The whole suite', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'Two areas, as JSON (CI)',
      command: '<%= config.bin %> <%= command.id %> --area auth --area trading --json',
    },
    {
      description: 'One test by id, or tests by a word of their title',
      command: '<%= config.bin %> <%= command.id %> --grep E31',
    },
    {
      description: 'Leave the platform untouched (no service is stopped)',
      command: '<%= config.bin %> <%= command.id %> --no-disruptive',
    },
  ];

  static override flags = {
    area: Flags.string({
      description: 'Only this area (repeatable).',
      options: [...AREAS],
      multiple: true,
      helpValue: 'AREA',
    }),
    grep: Flags.string({
      description: 'Only tests whose id or title contains this (case-insensitive).',
      helpValue: 'TEXT',
    }),
    disruptive: Flags.boolean({
      description:
        'Run the tests that stop services or turn the kill switch on (--no-disruptive: leave them out).',
      default: true,
      allowNo: true,
    }),
    timeout: Flags.integer({
      description: 'Seconds each test may take.',
      default: DEFAULT_TEST_TIMEOUT_MS / 1000,
      min: 1,
      helpValue: 'SECONDS',
    }),
    concurrency: Flags.integer({
      description: 'Tests run at once (disruptive ones always run alone).',
      default: DEFAULT_CONCURRENCY,
      min: 1,
      max: 32,
      helpValue: 'N',
    }),
  };

  async run(): Promise<E2eResult> {
    const { flags } = await this.parse(E2e);
    const areas = (flags.area ?? []) as Area[];
    if (selectTests(SUITE, { areas, grep: flags.grep }).length === 0) {
      throw new UserError('ALP_E2E_NOTHING_SELECTED', 'no test matches the selection', {
        exit: 'usage',
        suggestions: [`areas: ${AREAS.join(', ')}`, 'ids: E01-E67 (see alphintra e2e --help)'],
      });
    }
    const trap = trapSignals();
    const result = await runE2e({
      paths: resolveHome(),
      suite: SUITE,
      command: ['alphintra', this.commandName, ...this.argv].join(' '),
      areas,
      grep: flags.grep,
      disruptive: flags.disruptive,
      timeoutMs: flags.timeout * 1000,
      concurrency: flags.concurrency,
      progress: (line) => this.note(line),
      signal: trap.signal,
    }).finally(() => trap.release());
    this.log(renderE2e(result, this.colour));
    if (!result.passed) process.exitCode = ExitCode.failed;
    return result;
  }
}
