import { Args, Flags } from '@oclif/core';
import { SCENARIO_IDS } from '../../benchmarks/scenarios/registry.js';
import { renderBench } from '../../benchmarks/runner/render.js';
import { DEFAULT_SETTLE_S, runBench, type BenchResult } from '../../benchmarks/runner/run-bench.js';
import { BaseCommand } from '../lib/base-command.js';
import { ExitCode } from '../lib/exit-codes.js';
import { resolveHome } from '../lib/runtime/local/paths.js';
import { trapSignals } from '../lib/signals.js';

/** The invocation as typed, with the env that decides where it points; recorded in results. */
function commandLine(command: string, argv: readonly string[]): string {
  const home = process.env.ALPHINTRA_HOME;
  return [...(home ? [`ALPHINTRA_HOME=${home}`] : []), 'alphintra', command, ...argv].join(' ');
}

const int = (name: string, env: string, description: string) =>
  Flags.integer({ description, env, helpValue: name });

export default class Bench extends BaseCommand {
  static override summary = 'Load-benchmark the running platform and gate on SLOs.';

  static override description = `Runs scenarios (${SCENARIO_IDS.join(', ')}; all when none given) against the platform started with \`alphintra up --detach\`, found through ALPHINTRA_HOME/state.json.
Fresh bench users (one, or the scenario's users; see --users) are registered, logged in and funded through the gateway; requests rotate over their tokens. Each scenario warms up (discarded), then measures: closed loop (autocannon, fixed connections) by default, or an open model at a fixed arrival rate with --rate (latency from the intended send time, no coordinated omission).
Scenarios with a reference (read: gateway vs user, gateway: gateway vs broker) run both targets in the same invocation and report the throughput ratio and the added latency.
A 2xx answer can still be a refusal: the order scenario counts an order that did not end Filled (e.g. Rejected when risk did not answer in time) as refused, and refusals fail the error-rate gate like socket errors and non-2xx answers.
Each measured run also says what a response cost in CPU, by process group (each service, the embedded PostgreSQL with its backends; from /proc, the load generator excluded): throughput on a shared machine swings with whatever else runs, the CPU a response costs less so. --json has it per run as cpuMsPerResponse.
Next to it, how long each process group's threads waited for a core per response (schedstat, from /proc; PostgreSQL's backends still connected): for the processes a request passes through, latency that is neither work nor I/O, which grows when more processes are busy than there are cores. --json has it per run as waitMsPerResponse.
And the services' garbage-collection pauses during the run (from each instance's /metrics: nodejs_gc_duration_seconds), as a count, a total and how many were over 10 ms: a pause stops every request its process holds, so long ones show in the latency tail. --json has them per run as gcPauses (totals for the run, not per response).
It also says how much write-ahead log PostgreSQL wrote per response (bytes, records, full-page images; read from the server as the bus role): the database's work per request, which the machine's load does not move, so two commits compare on it run to run. A run with a checkpoint in it logs whole pages again and shows many more full-page images. The log is the server's: on a PostgreSQL shared with other work (DATABASE_URL), that work is counted too. --json has it per run as walPerResponse.
Before each scenario the runner waits (up to --settle seconds, 60 by default) until the platform's processes use at most 15 % of a core over a second, so that work still running from \`up\` or an earlier scenario (autovacuum, pg-boss maintenance, consumers) is not billed to it; the wait and the load it ended at are reported (settle in --json).
After each measured run of the order scenario the event bus is read: what still waited for a consumer is reported and drained (60 s at most) before the next run, so work left for later is visible and not billed to the next run.
The gateway's per-user rate limit and risk's per-user order rate must be raised for a bench: start the platform with
  RATE_LIMIT_MAX=100000000 RISK_DEFAULT_ORDER_RATE=1000000 alphintra up --detach
Ctrl-C (or SIGTERM, or a closed terminal) stops the run in progress at once and the calibration's processes with it; the scenarios that finished are reported (in --json too, with \`interrupted\`: the signal and the step it stopped), the cut-off one is not, and no baseline is saved for it.
Exit codes: 0 all SLOs met, 1 an SLO breached or interrupted, 2 usage, 3 platform not running or limits too low.
Baselines live in benchmarks/baselines/<scenario>.json; a difference is called beyond noise when outside the min..max of the baseline's repeated runs (3 or more), else beyond ±10 %.
The same commit can run much faster or slower on another day: the machine is shared, and on a virtual machine each message between processes costs what the host lets it. --calibrate first runs a skeleton of the order path's HTTP hops (four bare processes, no database) and reports its throughput and CPU per request; a baseline saved with it keeps that number, and a later calibrated comparison says how the machine's speed changed (calibration in --json; baseline.machine per scenario). It also measures what one request costs a hop in CPU when it arrives alone and wakes the process (50 requests 20 ms apart) against one in the loaded run (calibration.wake): on a virtual machine, where every wake-up goes through the host, the first can be several times the second, and orders at a fixed arrival rate cost several times their closed-loop CPU for that reason.`;

  static override examples = [
    {
      description: 'Every scenario with its default load',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Gateway overhead on an authenticated read, 5 s, as JSON',
      command: '<%= config.bin %> <%= command.id %> read --duration 5 --json',
    },
    {
      description: 'Order placement at a fixed arrival rate of 500 orders/s',
      command: '<%= config.bin %> <%= command.id %> order --rate 500 --duration 20',
    },
    {
      description:
        "Orders, with the machine's own speed measured first (compare days and baselines)",
      command: '<%= config.bin %> <%= command.id %> order --calibrate',
    },
    {
      description: 'Measure three times and store the result as the baseline',
      command: '<%= config.bin %> <%= command.id %> orders-read --repeat 3 --save-baseline',
    },
  ];

  static override strict = false;

  static override args = {
    scenario: Args.string({
      description: `Scenario ids: ${SCENARIO_IDS.join(', ')} (repeatable).`,
    }),
  };

  static override flags = {
    duration: int(
      'SECONDS',
      'ALPHINTRA_BENCH_DURATION',
      'Measured seconds per run (overrides each scenario).',
    ),
    connections: int(
      'N',
      'ALPHINTRA_BENCH_CONNECTIONS',
      'Concurrent connections (overrides each scenario).',
    ),
    warmup: int(
      'SECONDS',
      'ALPHINTRA_BENCH_WARMUP',
      'Warm-up seconds before measuring, discarded.',
    ),
    users: int(
      'N',
      'ALPHINTRA_BENCH_USERS',
      'Bench users the requests rotate over (overrides each scenario).',
    ),
    rate: int(
      'N',
      'ALPHINTRA_BENCH_RATE',
      'Open model: fixed arrival rate in requests per second.',
    ),
    repeat: Flags.integer({
      description: 'Measured runs per target; the median gates, the spread is the noise band.',
      env: 'ALPHINTRA_BENCH_REPEAT',
      default: 1,
      helpValue: 'N',
    }),
    settle: Flags.integer({
      description:
        'Before each scenario, wait up to this long for the platform to go quiet (0: measure one second, then start).',
      env: 'ALPHINTRA_BENCH_SETTLE',
      default: DEFAULT_SETTLE_S,
      helpValue: 'SECONDS',
    }),
    'save-baseline': Flags.boolean({
      description: 'Store this run as the baseline of each scenario.',
      env: 'ALPHINTRA_BENCH_SAVE_BASELINE',
    }),
    calibrate: Flags.boolean({
      description:
        'First measure the machine itself (four bare HTTP hops, no database, then a hop woken by lone requests; ~12 s) and report it next to the results and baselines.',
      env: 'ALPHINTRA_BENCH_CALIBRATE',
    }),
    'baseline-dir': Flags.string({
      description: 'Where baselines are kept.',
      env: 'ALPHINTRA_BENCH_BASELINE_DIR',
      default: 'benchmarks/baselines',
      helpValue: 'DIR',
    }),
  };

  async run(): Promise<BenchResult> {
    const { argv, flags } = await this.parse(Bench);
    // Ctrl-C stops the run in progress and the bench's own processes, then reports what finished.
    const trap = trapSignals();
    const result = await runBench({
      scenarios: argv as string[],
      durationS: flags.duration,
      connections: flags.connections,
      warmupS: flags.warmup,
      users: flags.users,
      rate: flags.rate,
      repeat: flags.repeat,
      settleS: flags.settle,
      saveBaseline: flags['save-baseline'],
      calibrate: flags.calibrate,
      baselineDir: flags['baseline-dir'],
      paths: resolveHome(),
      command: commandLine(this.commandName, this.argv),
      progress: (line) => process.stderr.write(`${line}\n`),
      signal: trap.signal,
    }).finally(() => trap.release());
    this.log(renderBench(result, this.colour));
    // The envelope still carries every number; the exit code says an SLO was breached or
    // the bench was interrupted.
    if (!result.passed) process.exitCode = ExitCode.failed;
    return result;
  }
}
